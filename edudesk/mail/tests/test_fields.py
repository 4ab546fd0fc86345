"""Data written into a mail ("Регион: ...") fills the service's form fields."""

from __future__ import annotations

from edudesk.intake.seed_schemas import eschool_schema, uchipro_schema
from edudesk.mail.fields import fields_from_text

SCHOOL_MAIL = """Здравствуйте!
Регион: Тверская область
ФИО: Смирнова Анна Викторовна
Учреждение: МБОУ СОШ №5, г. Тверь
Логин инициатора: smirnova_av
Логин, под которым наблюдается проблема — teacher_7b
Контакты: a.smirnova@school5-tver.example, 8 (910) 555-12-34
Не сохраняются оценки: появляется ошибка.
"""


def test_seed_data_written_as_label_lines_fills_the_eschool_fields():
    assert fields_from_text(SCHOOL_MAIL, eschool_schema()) == {
        "region": "Тверская область",
        "full_name": "Смирнова Анна Викторовна",
        "institution": "МБОУ СОШ №5, г. Тверь",
        "initiator_login": "smirnova_av",
        "affected_login": "teacher_7b",
        "phone": "8 (910) 555-12-34",
    }


def test_a_sentence_with_a_colon_is_not_taken_for_a_field():
    assert "description" not in fields_from_text(SCHOOL_MAIL, eschool_schema())
    assert fields_from_text("Не сохраняются оценки: ошибка.", eschool_schema()) == {}


def test_role_written_by_its_name_becomes_the_choice_value():
    text = "Организация: ООО «Профи»\nВаша роль в СДО: Преподаватель\nСсылка на СДО: https://x.example/"
    assert fields_from_text(text, uchipro_schema()) == {
        "organisation": "ООО «Профи»", "role": "teacher", "lms_url": "https://x.example/"}


def test_english_labels_are_understood():
    assert fields_from_text("Region: Tver oblast\nPhone: +7 910 555 12 34", eschool_schema()) == {
        "region": "Tver oblast", "phone": "+7 910 555 12 34"}
