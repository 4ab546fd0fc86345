"""An agent finds tickets with one box: numbers, identities, Russian word forms."""

import pytest

from edudesk.search.services import search_tickets
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Message

pytestmark = pytest.mark.django_db


def numbers(found):
    return [t.number for t in found]


@pytest.mark.parametrize("word", ["ошибка", "ошибкой", "ошибки", "Ошибок", "ОШИБКАМИ"])
def test_any_form_of_a_word_finds_the_ticket_whose_message_has_another_form(
        line1_agent, grades_ticket, word):
    assert numbers(search_tickets(line1_agent, word)) == [grades_ticket.number]


def test_words_of_the_subject_are_found_in_other_forms(line1_agent, grades_ticket):
    assert numbers(search_tickets(line1_agent, "оценка не сохранялась")) == [grades_ticket.number]


def test_every_word_of_the_query_must_be_present(line1_agent, grades_ticket):
    assert search_tickets(line1_agent, "ошибка расписания") == []


def test_the_last_word_matches_while_it_is_still_being_typed(line1_agent, grades_ticket):
    assert numbers(search_tickets(line1_agent, "сохранен")) == [grades_ticket.number]


@pytest.mark.parametrize("form", ["{number}", "{lower}", "{digits}", "{value}", "№ {value}",
                                  " {number} "])
def test_a_number_is_found_in_every_form_an_agent_types(line1_agent, grades_ticket, form):
    number = grades_ticket.number
    digits = number.removeprefix("INC")
    query = form.format(number=number, lower=number.lower(), digits=digits,
                        value=str(int(digits)))
    assert numbers(search_tickets(line1_agent, query))[0] == number


def test_the_ticket_a_number_names_comes_before_tickets_that_mention_it(
        indexed, line1_agent, eschool, another_teacher, grades_ticket):
    mention = indexed(factories.ticket, eschool, another_teacher, subject="Повторно",
                      description=f"Это продолжение обращения {grades_ticket.number}.")
    assert numbers(search_tickets(line1_agent, grades_ticket.number)) == [
        grades_ticket.number, mention.number]


def test_a_partial_number_finds_tickets_whose_number_contains_it(line1_agent, grades_ticket):
    fragment = grades_ticket.number[-5:-1]
    assert grades_ticket.number in numbers(search_tickets(line1_agent, fragment))


def test_the_requesters_email_finds_their_tickets(line1_agent, grades_ticket):
    assert numbers(search_tickets(line1_agent, "M.Ivanova@school12.example")) == [grades_ticket.number]


def test_a_login_given_in_the_request_finds_the_ticket(indexed, line1_agent, eschool, another_teacher):
    found = indexed(factories.ticket, eschool, another_teacher, subject="Нет доступа к журналу",
                    fields={"initiator_login": "petrov_oi", "affected_login": "Uchenik_7b"})
    assert numbers(search_tickets(line1_agent, "uchenik_7b")) == [found.number]
    assert numbers(search_tickets(line1_agent, "petrov_oi")) == [found.number]


@pytest.mark.parametrize("typed", ["+7 (999) 123-45-67", "8 999 123 45 67", "89991234567",
                                   "9991234567", "+79991234567"])
def test_a_phone_in_any_format_finds_the_callers_tickets(indexed, line1_agent, eschool, school, typed):
    caller = factories.contact(eschool, full_name="Кузнецова Ольга", org=school, phone="79991234567")
    found = indexed(factories.ticket, eschool, caller, subject="Не открывается дневник")
    assert numbers(search_tickets(line1_agent, typed)) == [found.number]


def with_login(person, login):
    person.login = login
    person.save(update_fields=["login"])
    return person


def test_a_whole_login_comes_before_newer_logins_that_contain_it(indexed, line1_agent, eschool, school):
    whole = with_login(factories.contact(eschool, full_name="Орлова Ирина", org=school), "orlova")
    longer = with_login(factories.contact(eschool, full_name="Орлова Анна", org=school), "orlova2")
    older_partial = indexed(factories.ticket, eschool, longer, subject="Не входит")
    whole_match = indexed(factories.ticket, eschool, whole, subject="Не входит")
    newest_partial = indexed(factories.ticket, eschool, longer, subject="Снова не входит")
    assert numbers(search_tickets(line1_agent, "orlova")) == [
        whole_match.number, newest_partial.number, older_partial.number]


def test_among_text_matches_a_subject_match_ranks_above_a_passing_mention(
        indexed, line1_agent, eschool, teacher, another_teacher):
    in_subject = indexed(factories.ticket, eschool, teacher, subject="Ошибка в расписании",
                         description="Уроки стоят не в те дни.")
    mention = indexed(factories.ticket, eschool, another_teacher, subject="Вопрос по журналу",
                      description="Журнал открывается, но в углу была какая-то ошибка, потом пропала.")
    assert numbers(search_tickets(line1_agent, "ошибка")) == [in_subject.number, mention.number]


def test_equal_matches_come_newest_first(indexed, line1_agent, eschool, teacher):
    older = indexed(factories.ticket, eschool, teacher, subject="Ошибка", description="Ошибка.")
    newer = indexed(factories.ticket, eschool, teacher, subject="Ошибка", description="Ошибка.")
    assert numbers(search_tickets(line1_agent, "ошибка")) == [newer.number, older.number]


def test_an_agent_never_finds_tickets_of_services_it_does_not_serve(
        line1_agent, outsider_agent, grades_ticket, lms_ticket, lms_learner):
    assert numbers(search_tickets(line1_agent, "ошибка")) == [grades_ticket.number]
    assert numbers(search_tickets(outsider_agent, "ошибка")) == [lms_ticket.number]
    assert search_tickets(line1_agent, lms_ticket.number) == []
    assert search_tickets(line1_agent, lms_learner.email) == []
    assert search_tickets(line1_agent, "+7 916 123-45-67") == []


def test_an_agent_without_services_finds_nothing(grades_ticket):
    assert search_tickets(factories.agent(), "ошибка") == []


def test_a_new_message_is_found_after_its_commit(indexed, line1_agent, teacher, grades_ticket):
    assert search_tickets(line1_agent, "браузер") == []
    indexed(tickets.add_message, grades_ticket, actor=factories.as_customer(teacher),
            body="У меня браузер Яндекс версии 24.")
    assert numbers(search_tickets(line1_agent, "браузера")) == [grades_ticket.number]


def test_internal_notes_are_searchable_for_agents(indexed, line1_agent, grades_ticket):
    indexed(tickets.add_message, grades_ticket, actor=factories.as_agent(line1_agent),
            kind=Message.Kind.INTERNAL, body="Похоже на сбой репликации.")
    assert numbers(search_tickets(line1_agent, "репликация")) == [grades_ticket.number]


def test_merged_messages_are_found_in_the_original(indexed, line1_agent, eschool, teacher, grades_ticket):
    # Only one requester's tickets merge (tickets.policy.merge_refusal).
    duplicate = indexed(factories.ticket, eschool, teacher, subject="Повтор",
                        description="Журнал зависает на пятой четверти.")
    indexed(tickets.merge, duplicate, grades_ticket, actor=factories.as_agent(line1_agent))
    assert numbers(search_tickets(line1_agent, "четверть")) == [grades_ticket.number]


def test_a_split_off_problem_is_found_in_its_new_ticket(indexed, line1_agent, grades_ticket):
    new = indexed(tickets.split, grades_ticket, actor=factories.as_agent(line1_agent),
                  text="Ещё не печатается табель успеваемости.", subject="Табель")
    assert numbers(search_tickets(line1_agent, "табеля")) == [new.number]


def test_an_empty_or_meaningless_query_finds_nothing(line1_agent, grades_ticket):
    assert search_tickets(line1_agent, "   ") == []
    assert search_tickets(line1_agent, "и в на") == []


def test_the_limit_caps_the_results(indexed, line1_agent, eschool, teacher):
    for _ in range(3):
        indexed(factories.ticket, eschool, teacher)
    assert len(search_tickets(line1_agent, "оценки", limit=2)) == 2


def test_quotes_and_operators_in_a_query_are_plain_text(line1_agent, grades_ticket):
    for query in ['"ошибка', "ошибка OR", "ошибка*", "NEAR(ошибка)", "100%_", "ошибка & | !"]:
        search_tickets(line1_agent, query)
    assert numbers(search_tickets(line1_agent, '"ошибкой"')) == [grades_ticket.number]


def test_a_complete_email_is_matched_whole_and_a_typed_part_matches_inside(
        indexed, line1_agent, eschool, school, grades_ticket):
    namesake = factories.contact(eschool, full_name="Иванова Нина", org=school,
                                 email="ivanova@school12.example")
    other = indexed(factories.ticket, eschool, namesake, subject="Не открывается журнал")
    assert numbers(search_tickets(line1_agent, "ivanova@school12.example")) == [other.number]
    assert set(numbers(search_tickets(line1_agent, "ivanova@school12"))) == {
        other.number, grades_ticket.number}


def test_a_short_list_ranks_text_matches_as_a_long_one_does(indexed, line1_agent, eschool, teacher,
                                                            another_teacher):
    indexed(factories.ticket, eschool, another_teacher, subject="Вопрос по журналу",
            description="В журнале мелькнула ошибка и пропала.")
    in_subject = indexed(factories.ticket, eschool, teacher, subject="Ошибка в расписании",
                         description="Уроки стоят не в те дни.")
    indexed(factories.ticket, eschool, another_teacher, subject="Дневник",
            description="Ошибка при открытии дневника.")
    assert numbers(search_tickets(line1_agent, "ошибка", limit=1)) == [in_subject.number]
    assert numbers(search_tickets(line1_agent, "ошибка"))[0] == in_subject.number
