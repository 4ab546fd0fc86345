"""Form schemas: the seeds' data as JSON that survives the admin, and refuses nonsense."""

import json

import pytest

from edudesk.intake.schema import FormSchema, LocalText, SchemaError
from edudesk.intake.seed_schemas import SEED_SCHEMAS, eschool_schema, uchipro_schema


def keys(specs):
    return [spec.key for spec in specs]


@pytest.mark.parametrize("service", sorted(SEED_SCHEMAS))
def test_seed_schema_survives_a_json_round_trip(service):
    schema = SEED_SCHEMAS[service]()
    assert FormSchema.loads(schema.dumps()) == schema


def test_eschool_asks_for_the_memos_common_data():
    schema = eschool_schema()
    assert keys(schema.common) == [
        "region",
        "full_name",
        "institution",
        "description",
        "initiator_login",
        "affected_login",
        "email",
        "phone",
    ]
    assert all(spec.required for spec in schema.common)
    assert schema.common[2].label.get() == "Наименование учреждения с указанием города"


def test_uchipro_asks_for_the_guides_data_with_its_roles():
    schema = uchipro_schema()
    assert keys(schema.common)[:5] == ["organisation", "lms_url", "full_name", "role", "phone"]
    role = schema.common[3]
    assert [choice.label.get() for choice in role.choices] == [
        "администратор",
        "менеджер",
        "преподаватель",
        "редактор",
        "слушатель",
        "контрагент",
        "агент",
    ]


def test_uchipro_common_data_can_arrive_from_the_lms():
    schema = uchipro_schema()
    by_key = {spec.key: spec.context_key for spec in schema.common}
    assert by_key["organisation"] == "organisation"
    assert by_key["lms_url"] == "platform_url"
    assert by_key["full_name"] == "full_name"
    assert by_key["role"] == "role"
    assert by_key["phone"] == "phone"


def test_error_message_category_requires_screenshot_browser_and_steps():
    fields = {spec.key: spec for spec in uchipro_schema().category("error").fields}
    assert fields["screenshots"].type == "file"
    assert fields["screenshots"].effective_min_files == 1
    assert fields["browser"].type == "browser" and fields["browser"].required
    assert fields["steps"].required
    assert not fields["details"].required
    assert "Класс, предмет, даты" in fields["details"].label.get()


def test_per_category_data_of_the_lms_guide():
    schema = uchipro_schema()

    def required(category):
        return [spec.key for spec in schema.category(category).fields if spec.required]

    assert required("course") == ["course_name", "course_url"]
    assert required("test") == ["course_name", "question_text"]
    assert required("application") == ["application_url"]
    assert required("document") == ["application", "document_url"]
    assert required("other") == []


def test_suggestion_asks_for_no_screenshot_and_is_marked_as_suggestion():
    for schema in (eschool_schema(), uchipro_schema()):
        suggestion = schema.category("suggestion")
        assert suggestion.suggestion
        assert schema.file_field_for("suggestion") is None


def test_form_of_a_category_is_common_fields_then_its_own():
    schema = uchipro_schema()
    assert keys(schema.fields_for("test")) == [*keys(schema.common), *keys(schema.category("test").fields)]


def test_help_texts_quote_the_seeds():
    error = eschool_schema().category("error")
    helps = " ".join(spec.help.get() for spec in error.fields)
    assert "Изображения, вставленные в файлы .doc, .zip или .rar, не принимаются" in helps
    assert "все, что поможет воспроизвести проблему" in helps
    assert "Одна заявка — одна проблема" in uchipro_schema().common[-1].help.get()


def test_labels_have_english_and_fall_back_to_russian():
    label = eschool_schema().common[0].label
    assert (label.get("ru"), label.get("en"), label.get("en-gb")) == ("Регион", "Region", "Region")
    assert LocalText({"ru": "Регион"}).get("en") == "Регион"


def test_plain_strings_are_accepted_as_russian_texts():
    schema = FormSchema.from_json(
        {
            "service": "university",
            "common": [{"key": "faculty", "label": "Факультет"}],
            "categories": [{"key": "other", "label": "Другое", "fields": []}],
        }
    )
    assert schema.common[0].label.get("ru") == "Факультет"
    assert schema.common[0].type == "text" and schema.common[0].required


def minimal(**changes):
    document = {
        "service": "eschool",
        "common": [{"key": "region", "label": "Регион"}],
        "categories": [{"key": "other", "label": "Другое", "fields": []}],
    }
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (minimal(service=""), "service"),
        (minimal(categories=[]), "categories"),
        (minimal(common=[{"key": "region", "label": "Регион", "type": "colour"}]), "common[0].type"),
        (minimal(common=[{"key": "1st", "label": "x"}]), "common[0].key"),
        (minimal(common=[{"key": "region"}]), "common[0].label"),
        (minimal(common=[{"key": "role", "label": "Роль", "type": "choice"}]), "common[0].choices"),
        (minimal(common=[{"key": "a", "label": "A", "context_key": "salary"}]), "common[0].context_key"),
        (minimal(common=[{"key": "a", "label": "A", "required": "yes"}]), "common[0].required"),
        (minimal(common=[{"key": "a", "label": "A", "max_length": -1}]), "common[0].max_length"),
        (
            minimal(common=[{"key": "region", "label": "Регион"}] * 2),
            "categories[0].fields",
        ),
        (
            minimal(
                categories=[
                    {"key": "other", "label": "Другое"},
                    {"key": "other", "label": "Другое"},
                ]
            ),
            "categories",
        ),
        (
            minimal(
                categories=[
                    {
                        "key": "error",
                        "label": "Ошибка",
                        "fields": [
                            {"key": "a", "label": "A", "type": "file"},
                            {"key": "b", "label": "B", "type": "file"},
                        ],
                    }
                ]
            ),
            "categories[0].fields",
        ),
    ],
)
def test_malformed_schema_is_refused_with_the_path_of_the_problem(document, path):
    with pytest.raises(SchemaError) as caught:
        FormSchema.from_json(document)
    assert caught.value.path == path


def test_invalid_json_is_refused():
    with pytest.raises(SchemaError):
        FormSchema.loads("{not json")


def test_dump_is_readable_russian_json():
    dumped = eschool_schema().dumps()
    assert "Наименование учреждения" in dumped
    assert json.loads(dumped)["service"] == "eschool"
