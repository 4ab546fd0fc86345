"""The desk's caller lookup: a caller found by phone, e-mail, login or name as the agent types."""

import pytest

from edudesk.search.services import search_contacts
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(eschool, school):
    """Кузнецова Ольга Викторовна calls the e-school's line from her mobile."""
    person = factories.contact(eschool, full_name="Кузнецова Ольга Викторовна", org=school,
                               email="o.kuznetsova@school12.example", phone="79991234567")
    person.login = "kuznetsova_ov"
    person.save(update_fields=["login"])
    return person


def names(found):
    return [c.full_name for c in found]


@pytest.mark.parametrize("typed", ["+7 (999) 123-45-67", "8 999 123 45 67", "9991234567", "123-45-67",
                                   "8 999 123"])
def test_a_caller_is_found_by_phone_in_any_format(line1_agent, caller, typed):
    assert search_contacts(line1_agent, typed) == [caller]


@pytest.mark.parametrize("typed", ["O.Kuznetsova@school12.example", "kuznetsova@", "KUZNETSOVA_OV",
                                   "kuznets"])
def test_a_caller_is_found_by_email_or_login_or_a_part_of_them(line1_agent, caller, typed):
    assert search_contacts(line1_agent, typed) == [caller]


@pytest.mark.parametrize("typed", ["Кузн", "ольга", "Кузнецова Оль", "оль кузн"])
def test_a_caller_is_found_by_the_beginnings_of_the_words_of_the_name(line1_agent, caller, typed):
    assert search_contacts(line1_agent, typed) == [caller]


def test_the_middle_of_a_name_word_does_not_match(line1_agent, caller):
    assert search_contacts(line1_agent, "нецова") == []


def test_a_whole_login_comes_before_names_that_begin_with_it(line1_agent, eschool, school, caller):
    factories.contact(eschool, full_name="Alexandrov Ivan", org=school)
    alex = factories.contact(eschool, full_name="Яковлев Пётр", org=school)
    alex.login = "alex"
    alex.save(update_fields=["login"])
    assert names(search_contacts(line1_agent, "alex")) == ["Яковлев Пётр", "Alexandrov Ivan"]


def test_callers_of_services_the_agent_does_not_serve_are_not_found(outsider_agent, line1_agent,
                                                                   caller, lms_learner):
    assert search_contacts(outsider_agent, "кузнецова") == []
    assert search_contacts(line1_agent, "смирнов") == []
    assert search_contacts(outsider_agent, "смирнов") == [lms_learner]


def test_one_letter_finds_nobody(line1_agent, caller):
    assert search_contacts(line1_agent, "к") == []


def test_a_name_with_yo_is_found_when_typed_with_e(line1_agent, eschool, school):
    semyonova = factories.contact(eschool, full_name="Семёнова Алёна Петровна", org=school)
    assert search_contacts(line1_agent, "семенова ален") == [semyonova]
    assert search_contacts(line1_agent, "Семёнова") == [semyonova]
