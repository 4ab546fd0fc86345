"""Real tickets driven through their life with controlled time (moments passed in as `now`)."""

from datetime import timedelta

import pytest

from edudesk.sla.calendars import calendar_for
from edudesk.sla.models import ClockKind, ClockState, SlaClock
from edudesk.sla.tests.conftest import msk
from edudesk.tickets import services
from edudesk.tickets.models import Priority, SlaFlag, Ticket
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def clock(ticket, kind) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, kind=kind)


def test_request_received_friday_1630_is_due_for_review_monday_0830(open_request):
    ticket = open_request(msk(2026, 11, 27, 16, 30))

    assert ticket.review_due_at == msk(2026, 11, 30, 8, 30)
    assert Ticket.objects.get(pk=ticket.pk).review_due_at == msk(2026, 11, 30, 8, 30)


def test_request_received_on_31_december_is_due_on_the_first_working_day_of_january(open_request):
    # 31 December 2026 is a transferred day off and 1-10 January 2027 are off (the CSV):
    # the hour of review is counted from Monday 11 January 08:00.
    ticket = open_request(msk(2026, 12, 31, 16, 30))

    assert ticket.review_due_at == msk(2027, 1, 11, 9, 0)


def test_request_received_on_the_last_working_day_of_the_year_continues_in_january(open_request):
    # 30 December 2025 was the last working day of 2025.
    ticket = open_request(msk(2025, 12, 30, 16, 30))

    assert ticket.review_due_at == msk(2026, 1, 12, 8, 30)


def test_every_priority_gets_the_60_minute_review_and_its_own_solution_target(open_request):
    received = msk(2026, 11, 23, 9, 0)  # Monday
    critical = open_request(received, priority=Priority.CRITICAL)
    low = open_request(received, priority=Priority.LOW)

    assert critical.review_due_at == low.review_due_at == msk(2026, 11, 23, 10, 0)
    assert critical.due_at == msk(2026, 11, 23, 13, 0)  # 4 working hours
    assert low.due_at == msk(2026, 11, 30, 9, 0)  # 5 working days


def test_two_days_in_needs_clarification_move_the_due_by_exactly_the_paused_working_time(
    open_request, line1_agent, teacher
):
    # GIVEN a normal request on Monday 09:00, solution due in 3 working days (Thursday 09:00)
    ticket = open_request(msk(2026, 11, 23, 9, 0))
    due_before = ticket.due_at
    assert due_before == msk(2026, 11, 26, 9, 0)

    # WHEN the agent asks for the browser version on Monday 10:00
    services.request_clarification(
        ticket,
        actor=Actor.agent(line1_agent),
        body="Укажите версию браузера.",
        now=msk(2026, 11, 23, 10, 0),
    )
    assert clock(ticket, ClockKind.SOLUTION).state == ClockState.PAUSED
    # AND the teacher answers two days later, on Wednesday 10:00
    services.add_message(
        ticket,
        actor=Actor.customer(teacher),
        body="Яндекс Браузер 24.1",
        now=msk(2026, 11, 25, 10, 0),
    )

    # THEN the due moved by exactly the working time spent waiting (7 h + 9 h + 2 h)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLARIFICATION_SENT
    solution = clock(ticket, ClockKind.SOLUTION)
    assert solution.state == ClockState.RUNNING
    assert solution.paused_working == timedelta(hours=18)
    assert calendar_for(ticket.service).working_time_between(due_before, ticket.due_at) == timedelta(hours=18)
    assert ticket.due_at == msk(2026, 11, 30, 9, 0)


def test_agent_reply_within_the_hour_meets_review_and_first_answer(open_request, line1_agent):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    services.add_message(
        ticket, actor=Actor.agent(line1_agent), body="Проверяем.", now=msk(2026, 11, 23, 9, 40)
    )

    review, first_answer = clock(ticket, ClockKind.REVIEW), clock(ticket, ClockKind.FIRST_ANSWER)
    assert (review.state, review.stopped_at) == (ClockState.MET, msk(2026, 11, 23, 9, 40))
    assert first_answer.state == ClockState.MET
    assert clock(ticket, ClockKind.SOLUTION).state == ClockState.RUNNING


def test_review_after_the_hour_is_recorded_as_breached(open_request, line1_agent):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    services.transition(
        ticket, Status.IN_PROCESSING, actor=Actor.agent(line1_agent), now=msk(2026, 11, 23, 10, 1)
    )

    review = clock(ticket, ClockKind.REVIEW)
    assert review.state == ClockState.BREACHED
    ticket.refresh_from_db()
    assert ticket.sla_flag == SlaFlag.BREACHED


def test_internal_note_is_not_a_first_answer(open_request, line1_agent):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    services.add_message(
        ticket,
        actor=Actor.agent(line1_agent),
        body="Похоже на ошибку журнала.",
        kind="internal",
        now=msk(2026, 11, 23, 9, 30),
    )

    assert clock(ticket, ClockKind.REVIEW).state == ClockState.MET
    assert clock(ticket, ClockKind.FIRST_ANSWER).state == ClockState.RUNNING


def test_priority_change_recomputes_the_due_times(open_request, line1_agent):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    services.set_priority(
        ticket, Priority.CRITICAL, actor=Actor.agent(line1_agent), now=msk(2026, 11, 23, 9, 20)
    )

    ticket.refresh_from_db()
    assert ticket.due_at == msk(2026, 11, 23, 13, 0)
    assert clock(ticket, ClockKind.FIRST_ANSWER).due_at == msk(2026, 11, 23, 10, 0)
    assert ticket.events.filter(kind="sla_clock_recomputed").count() == 2  # review already met


def test_answer_stops_the_solution_clock_and_a_reply_resumes_it(open_request, line1_agent, teacher):
    ticket = open_request(msk(2026, 11, 23, 9, 0))
    agent = Actor.agent(line1_agent)
    services.transition(ticket, Status.IN_WORK, actor=agent, now=msk(2026, 11, 23, 9, 10))
    services.transition(ticket, Status.ANSWERED, actor=agent, now=msk(2026, 11, 23, 11, 0))
    solution = clock(ticket, ClockKind.SOLUTION)
    assert (solution.state, solution.stopped_at) == (ClockState.MET, msk(2026, 11, 23, 11, 0))

    # The teacher writes back on Tuesday 08:00: the request is reopened, the answered
    # interval (11:00-17:00 on Monday) does not count against support.
    services.add_message(
        ticket, actor=Actor.customer(teacher), body="Не помогло.", now=msk(2026, 11, 24, 8, 0)
    )

    solution.refresh_from_db()
    assert solution.state == ClockState.RUNNING
    assert solution.paused_working == timedelta(hours=6)
    assert solution.due_at == msk(2026, 11, 26, 15, 0)


def test_customer_cancelling_cancels_every_clock(open_request, teacher):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    services.transition(ticket, Status.CANCELLED, actor=Actor.customer(teacher),
                        now=msk(2026, 11, 23, 9, 5), reason="solved_myself")

    states = set(SlaClock.objects.filter(ticket=ticket).values_list("state", flat=True))
    assert states == {ClockState.CANCELLED}


def test_every_clock_change_is_an_event(open_request, line1_agent, teacher):
    ticket = open_request(msk(2026, 11, 23, 9, 0))
    services.request_clarification(
        ticket,
        actor=Actor.agent(line1_agent),
        body="Пришлите снимок экрана.",
        now=msk(2026, 11, 23, 9, 30),
    )
    services.add_message(
        ticket, actor=Actor.customer(teacher), body="Во вложении.", now=msk(2026, 11, 23, 12)
    )

    kinds = list(ticket.events.filter(kind__startswith="sla_clock").values_list("kind", "data__clock"))
    assert kinds == [
        ("sla_clock_started", "review"),
        ("sla_clock_started", "first_answer"),
        ("sla_clock_started", "solution"),
        ("sla_clock_stopped", "review"),
        ("sla_clock_stopped", "first_answer"),
        ("sla_clock_paused", "solution"),
        ("sla_clock_resumed", "solution"),
    ]
    assert ticket.events.filter(kind="due_recorded").exists()
