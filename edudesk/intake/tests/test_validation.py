"""One validation for every channel, on the seeds' schemas and personas."""

from django.utils import translation

from edudesk.intake.attachments import AttachmentPolicy, Upload
from edudesk.intake.seed_schemas import eschool_schema, uchipro_schema
from edudesk.intake.tests import files
from edudesk.intake.validation import clean_value, validate_submission

ESCHOOL = eschool_schema()
UCHIPRO = uchipro_schema()

# A teacher of a Tver school writing about grades that cannot be saved.
TEACHER = {
    "region": "Тверская область",
    "full_name": "Иванова Мария Петровна",
    "institution": "МБОУ «СОШ № 5», г. Тверь",
    "description": "Не сохраняются оценки в журнале 5А по математике.",
    "initiator_login": "ivanova.mp",
    "affected_login": "ivanova.mp",
    "email": "ivanova@school5.example.ru",
    "phone": "8 (4822) 55-12-34",
    "browser": "Chrome 120",
    "steps": "Открываю журнал 5А, ставлю оценку за 12.11, нажимаю «Сохранить» — ошибка 500.",
}


def screenshot():
    return Upload("картинка1.png", files.png())


def field_of(schema, category, key):
    return next(spec for spec in schema.fields_for(category) if spec.key == key)


def test_complete_error_report_is_valid_and_cleaned():
    result = validate_submission(ESCHOOL, "error", TEACHER, [screenshot()])
    assert result.ok, result.errors
    assert result.cleaned["phone"] == "+74822551234"
    assert len(result.images) == 1
    assert "details" not in result.cleaned


def test_missing_fields_get_messages_in_form_order_quoting_the_advice():
    fields = dict(TEACHER, browser="", region=" ")
    result = validate_submission(ESCHOOL, "error", fields, [screenshot()])
    assert list(result.errors) == ["region", "browser"]
    assert result.errors["region"] == ["Заполните поле «Регион»."]
    browser = result.errors["browser"][0]
    assert browser.startswith("Заполните поле «Наименование и версия браузера».")
    assert "Chrome 120" in browser


def test_error_report_without_screenshot_asks_for_one_quoting_the_rule():
    result = validate_submission(ESCHOOL, "error", TEACHER)
    message = result.errors["screenshots"][0]
    assert "Приложите снимок экрана в формате .jpeg или .png." in message
    assert "Снимок экрана, на котором видно данное сообщение" in message


def test_screenshot_already_on_the_ticket_counts():
    result = validate_submission(ESCHOOL, "error", TEACHER, already_attached=1)
    assert "screenshots" not in result.errors


def test_zip_instead_of_screenshot_is_refused_on_the_file_field():
    result = validate_submission(ESCHOOL, "error", TEACHER, [Upload("s.zip", files.zip_archive())])
    assert not result.images
    assert len(result.errors["screenshots"]) == 1
    assert "архив ZIP" in result.errors["screenshots"][0]


def test_suggestion_needs_no_screenshot_but_files_still_pass_the_policy():
    fields = dict(TEACHER, description="Добавьте, пожалуйста, печать журнала в PDF.")
    assert validate_submission(ESCHOOL, "suggestion", fields).ok
    archive = Upload("a.rar", files.rar5_empty_archive())
    refused = validate_submission(ESCHOOL, "suggestion", fields, [archive])
    assert "архив RAR" in refused.errors["screenshots"][0]


def test_unknown_category_is_reported():
    result = validate_submission(ESCHOOL, "weather", TEACHER)
    assert result.errors["category"] == ["Выберите, к чему относится обращение."]


def test_unknown_fields_are_dropped():
    result = validate_submission(ESCHOOL, "other", dict(TEACHER, is_staff="1"))
    assert "is_staff" not in result.cleaned


def test_lms_user_gets_common_data_from_the_signed_context_and_it_cannot_be_altered():
    # A listener writing from the LMS: the widget token carries the common data.
    context = {
        "organisation": "ООО «Учебный центр»",
        "platform_url": "https://sdo.uc.example.ru",
        "full_name": "Петров Олег",
        "role": "слушатель",
        "phone": "+7 912 345-67-89",
        "email": "petrov@uc.example.ru",
    }
    typed = {
        "full_name": "Администратор",
        "role": "administrator",
        "description": "Курс «Охрана труда» не открывается.",
        "course_name": "Охрана труда",
        "course_url": "sdo.uc.example.ru/course/15",
    }
    result = validate_submission(UCHIPRO, "course", typed, context=context)
    assert result.ok, result.errors
    assert result.cleaned["full_name"] == "Петров Олег"
    assert result.cleaned["role"] == "learner"
    assert result.cleaned["course_url"] == "https://sdo.uc.example.ru/course/15"
    assert {"organisation", "lms_url", "full_name", "role", "phone", "email"} <= result.locked


def test_invalid_context_value_is_not_locked_and_the_user_may_fix_it():
    result = validate_submission(
        UCHIPRO, "other", {"phone": "+7 912 345-67-89"}, context={"phone": "call me"}
    )
    assert "phone" not in result.locked
    assert result.cleaned["phone"] == "+79123456789"


def test_mail_sender_without_lms_context_must_give_the_common_data():
    result = validate_submission(UCHIPRO, "other", {"description": "Не приходят письма."})
    assert set(result.errors) == {"organisation", "lms_url", "full_name", "role", "phone", "email"}
    assert "Если вы пишете из СДО" in result.errors["organisation"][0]


def test_test_category_requires_course_and_question_text():
    result = validate_submission(UCHIPRO, "test", {})
    assert {"course_name", "question_text"} <= set(result.errors)
    assert "пришлите текст вопроса" in result.errors["question_text"][0]


def test_malformed_values_get_specific_messages():
    spec = lambda key: field_of(UCHIPRO, "document", key)  # noqa: E731
    assert "name@example.ru" in clean_value(spec("email"), "ivanova@")[1]
    assert "8 800 200-95-82" in clean_value(spec("phone"), "12-34")[1]
    assert "https://" in clean_value(spec("document_url"), "документ номер 5")[1]
    assert "администратор" in clean_value(spec("role"), "директор")[1]
    login = field_of(ESCHOOL, "error", "initiator_login")
    assert "без пробелов" in clean_value(login, "Иванова М П")[1]
    browser = field_of(ESCHOOL, "error", "browser")
    assert "версию браузера" in clean_value(browser, "Хром")[1]


def test_values_are_normalised():
    email = field_of(ESCHOOL, "other", "email")
    phone = field_of(ESCHOOL, "other", "phone")
    assert clean_value(email, " Ivanova@School5.EXAMPLE.ru ")[0] == "Ivanova@school5.example.ru"
    assert clean_value(phone, "8-800-200-9582")[0] == "+78002009582"
    assert clean_value(phone, "912 345 67 89")[0] == "+79123456789"
    assert clean_value(phone, "+375 29 123-45-67")[0] == "+375291234567"
    region = field_of(ESCHOOL, "other", "region")
    assert clean_value(region, "  Тверская\n  область ")[0] == "Тверская область"


def test_too_long_text_is_refused_with_the_limit():
    region = field_of(ESCHOOL, "other", "region")
    message = clean_value(region, "я" * 301)[1]
    assert "300" in message and "301" in message


def test_count_limit_applies_through_validation():
    uploads = [Upload(f"{n}.png", files.png()) for n in range(3)]
    result = validate_submission(ESCHOOL, "error", TEACHER, uploads, policy=AttachmentPolicy(max_count=2))
    assert len(result.images) == 2
    assert len(result.errors["screenshots"]) == 1


def test_labels_follow_the_active_language():
    with translation.override("en"):
        result = validate_submission(ESCHOOL, "other", dict(TEACHER, region=""))
    assert "Region" in result.errors["region"][0]


def test_a_region_is_taken_from_russias_list_in_its_listed_name():
    region = field_of(ESCHOOL, "error", "region")
    assert region.type == "region" and len(region.offered_choices) == 89
    assert clean_value(region, "тверская обл.") == ("Тверская область", None)


def test_a_region_not_in_the_list_is_refused_with_a_clear_russian_error():
    region = field_of(ESCHOOL, "error", "region")
    with translation.override("ru"):
        cleaned, error = clean_value(region, "Тверь")
    assert cleaned == ""
    assert error.startswith("Выберите регион из списка субъектов Российской Федерации")
    result = validate_submission(ESCHOOL, "error", {**TEACHER, "region": "Тверь"}, [screenshot()])
    assert not result.ok and list(result.errors) == ["region"]


def test_a_services_own_region_list_wins():
    from dataclasses import replace

    from edudesk.intake.schema import Choice, tr

    own = replace(field_of(ESCHOOL, "error", "region"),
                  choices=(Choice("tver", tr("Тверь и область")), Choice("other", tr("Другой"))))
    assert [c.value for c in own.offered_choices] == ["tver", "other"]
    assert clean_value(own, "Тверь и область") == ("tver", None)
    assert clean_value(own, "Тверская область")[1] is not None
