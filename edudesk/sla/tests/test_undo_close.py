"""Cancelling or closing, then undoing it within the window: the status and the SLA clocks come
back as they were (tickets.services.undo_close, sla.clocks._restore)."""

from datetime import timedelta

import pytest

from edudesk.sla.models import ClockKind, ClockState, SlaClock
from edudesk.sla.tests.conftest import msk
from edudesk.testing import factories
from edudesk.tickets import policy, services
from edudesk.tickets.errors import InvalidOperation
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def clocks(ticket) -> dict:
    return {c.kind: (c.state, c.due_at, c.paused_working)
            for c in SlaClock.objects.filter(ticket=ticket)}


def test_a_cancelling_undone_within_minutes_restores_status_and_every_clock(
        open_request, line1_agent):
    received = msk(2026, 11, 26, 10, 0)
    ticket = open_request(received)
    agent = Actor.agent(line1_agent)
    services.transition(ticket, Status.IN_WORK, actor=agent, now=received + timedelta(minutes=20))
    before = clocks(ticket)
    cancelled_at = received + timedelta(minutes=30)
    services.transition(ticket, Status.CANCELLED, actor=agent, now=cancelled_at,
                        reason="other", comment="Учитель перешёл в другую школу")
    assert {state for state, _due, _p in clocks(ticket).values()} <= {
        ClockState.CANCELLED, ClockState.MET}

    services.undo_close(ticket, actor=agent, now=cancelled_at + timedelta(minutes=5))

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_WORK and ticket.closed_at is None
    assert clocks(ticket) == before  # the five minutes were no pause: the customer waited
    undo = ticket.events.filter(kind="status_changed").latest("id")
    assert undo.data["undoes"] and undo.new == {"status": Status.IN_WORK}
    assert ticket.due_at == SlaClock.objects.get(ticket=ticket, kind=ClockKind.SOLUTION).due_at


def test_a_confirmed_solution_undone_runs_the_solution_clock_again(open_request, teacher, line1_agent):
    received = msk(2026, 11, 26, 10, 0)
    ticket = open_request(received)
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent),
                        now=received + timedelta(minutes=40))
    services.transition(ticket, Status.IN_WORK, actor=Actor.customer(teacher),
                        now=received + timedelta(minutes=50))
    before = clocks(ticket)
    closed_at = received + timedelta(minutes=60)
    services.transition(ticket, Status.RESOLVED, actor=Actor.agent(line1_agent), now=closed_at,
                        reason="answer_helped")
    services.undo_close(ticket, actor=Actor.agent(line1_agent), now=closed_at + timedelta(minutes=1))
    assert clocks(ticket) == before


def test_only_the_person_who_closed_may_undo_and_only_within_the_window(
        ticket, teacher, line1_agent, eschool):
    services.transition(ticket, Status.CANCELLED, actor=Actor.customer(teacher),
                        reason="solved_myself")
    colleague = factories.agent(eschool, username="colleague")
    with pytest.raises(InvalidOperation):
        services.undo_close(ticket, actor=Actor.agent(colleague))
    closed_at = ticket.events.filter(kind="status_changed").latest("id").created_at
    with pytest.raises(InvalidOperation):
        services.undo_close(ticket, actor=Actor.customer(teacher),
                            now=closed_at + policy.undo_window() + timedelta(seconds=1))
    services.undo_close(ticket, actor=Actor.customer(teacher))
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED


def test_a_closing_gives_a_reason_from_the_list_or_in_words(ticket, line1_agent):
    agent = Actor.agent(line1_agent)
    with pytest.raises(InvalidOperation):
        services.transition(ticket, Status.CANCELLED, actor=agent, reason="because")
    with pytest.raises(InvalidOperation):
        services.transition(ticket, Status.CANCELLED, actor=agent, reason="other", comment=" ")
    services.transition(ticket, Status.CANCELLED, actor=agent, reason="customer_asked",
                        comment="Позвонила, просила закрыть")
    ticket.refresh_from_db()
    closing = policy.closing_event(ticket)
    assert policy.close_reason_text(closing.data) == "По просьбе заявителя. Позвонила, просила закрыть"


def test_nothing_can_be_undone_once_something_else_happened(ticket, teacher, line1_agent):
    agent = Actor.agent(line1_agent)
    services.transition(ticket, Status.RESOLVED, actor=agent, reason="answer_helped")
    services.add_message(ticket, actor=Actor.customer(teacher), body="Спасибо!")
    with pytest.raises(InvalidOperation):
        services.undo_close(ticket, actor=agent)
