"""What the customer and the agent are told about time, and closing silent answered requests."""

from datetime import timedelta

import pytest

from edudesk.sla.autoclose import answered_before, close_silent_answers
from edudesk.sla.calendars import calendar_for, hours_for
from edudesk.sla.notices import (
    due_notice,
    format_working_time,
    off_hours_notice,
    remaining_minutes,
    sla_summary,
)
from edudesk.sla.tests.conftest import msk
from edudesk.tickets import services
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def test_request_sent_on_saturday_says_a_specialist_contacts_on_the_next_working_day(eschool):
    assert off_hours_notice(eschool, msk(2026, 11, 28, 14, 0)) == (
        "Обращение получено в нерабочее время: оно зарегистрировано, а специалист свяжется "
        "с вами в ближайший рабочий день — 30.11.2026 с 08:00."
    )


def test_request_sent_during_working_hours_gets_no_off_hours_notice(eschool):
    assert off_hours_notice(eschool, msk(2026, 11, 25, 10, 0)) == ""


def test_request_sent_on_new_year_eve_says_january(eschool):
    assert "11.01.2027 с 08:00" in off_hours_notice(eschool, msk(2026, 12, 31, 12, 0))


def test_registration_tells_the_priority_and_the_due_date(open_request):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    assert due_notice(ticket) == "Приоритет: обычный. Срок исполнения: 26.11.2026 09:00."


def test_agent_sees_the_working_time_left_on_the_nearest_clock(open_request):
    ticket = open_request(msk(2026, 11, 27, 16, 30))  # review due Monday 08:30

    summary = sla_summary(ticket, now=msk(2026, 11, 28, 12, 0))  # Saturday: nothing is spent

    assert summary["remaining_minutes"] == 30
    assert summary["review_due_at"] == msk(2026, 11, 30, 8, 30)
    assert [clock["kind"] for clock in summary["clocks"]] == ["review", "first_answer", "solution"]


def test_remaining_time_is_negative_once_overdue(open_request):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    assert sla_summary(ticket, now=msk(2026, 11, 23, 10, 45))["remaining_minutes"] == -45


def test_remaining_minutes_for_lists_follow_the_current_promise(open_request, line1_agent):
    ticket = open_request(msk(2026, 11, 27, 16, 30))
    assert remaining_minutes(ticket, msk(2026, 11, 28, 12, 0)) == 30  # review, Saturday

    services.request_clarification(
        ticket, actor=Actor.agent(line1_agent), body="Укажите логин.", now=msk(2026, 11, 30, 8, 10)
    )
    ticket.refresh_from_db()
    assert remaining_minutes(ticket, msk(2026, 11, 30, 9, 0)) is None  # waiting for the teacher


def test_working_time_is_written_in_hours_and_minutes():
    assert format_working_time(timedelta(minutes=135)) == "2 ч 15 мин"
    assert format_working_time(-timedelta(minutes=30)) == "−0 ч 30 мин"


def test_cutoff_counts_whole_working_days_after_the_answer(eschool):
    calendar = calendar_for(eschool)
    # Friday 4 December 2026, 3 working days back: Thu, Wed, Tue -> answered before Tuesday.
    assert answered_before(calendar, msk(2026, 12, 4, 0, 1), 3) == msk(2026, 12, 1, 0, 0)
    # Across the New Year holidays: from Wednesday 13 January 2027, 3 working days back are
    # Tue 12, Mon 11 and Wed 30 December 2026.
    assert answered_before(calendar, msk(2027, 1, 13, 9, 0), 3) == msk(2026, 12, 30, 0, 0)


def test_answered_request_closes_after_three_silent_working_days(open_request, line1_agent):
    # GIVEN a request answered on Monday 23 November
    ticket = open_request(msk(2026, 11, 23, 9, 0))
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent), now=msk(2026, 11, 23, 12))

    # WHEN the teacher stays silent, it is still open on Thursday
    assert close_silent_answers(msk(2026, 11, 26, 16, 0)) == []
    # THEN it closes once Tuesday, Wednesday and Thursday have passed
    assert close_silent_answers(msk(2026, 11, 27, 0, 5)) == [ticket.number]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_a_new_service_closes_silent_answers_after_the_configured_working_days(settings, db):
    from edudesk.testing import factories

    settings.EDUDESK_AUTO_CLOSE_WORKING_DAYS = 7
    assert hours_for(factories.service("university")).auto_close_working_days == 7


def test_auto_close_can_be_switched_off_per_service(open_request, line1_agent, eschool):
    hours = hours_for(eschool)
    hours.auto_close_working_days = 0
    hours.save()
    ticket = open_request(msk(2026, 11, 23, 9, 0))
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent), now=msk(2026, 11, 23, 12))

    assert close_silent_answers(msk(2026, 12, 10, 12, 0)) == []


def test_lunch_break_in_the_service_hours_is_respected(eschool, open_request):
    hours = hours_for(eschool)
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday"):
        setattr(hours, day, "08:00-12:00, 13:00-17:00")
    hours.save()

    ticket = open_request(msk(2026, 11, 23, 11, 30))

    assert ticket.review_due_at == msk(2026, 11, 23, 13, 30)
