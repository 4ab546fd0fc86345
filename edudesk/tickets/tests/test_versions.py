"""Every change names the version of the ticket its author saw; a ticket that moved on since
refuses the change (tickets.versions, tickets.services)."""

import pytest

from edudesk.testing import factories
from edudesk.tickets import services, versions
from edudesk.tickets.errors import StaleTicket
from edudesk.tickets.models import Priority
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(eschool):
    return factories.agent(eschool, username="colleague", full_name="Морозов Илья")


def test_taking_a_ticket_a_colleague_took_after_the_page_was_shown_is_refused(
        ticket, line1_agent, colleague):
    seen = versions.current_version(ticket)
    services.assign(ticket, actor=Actor.agent(colleague), assignee=colleague)
    with pytest.raises(StaleTicket) as refused:
        services.assign(ticket, actor=Actor.agent(line1_agent), assignee=line1_agent,
                        seen_version=seen)
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    assert refused.value.details["seen"] == seen
    assert refused.value.http_status == 409


@pytest.mark.parametrize("action", [
    lambda t, actor, seen: services.transition(t, Status.IN_WORK, actor=actor, seen_version=seen),
    lambda t, actor, seen: services.set_priority(t, Priority.HIGH, actor=actor, seen_version=seen),
    lambda t, actor, seen: services.set_category(t, "error", actor=actor, seen_version=seen),
    lambda t, actor, seen: services.split(t, actor=actor, text="Второе", seen_version=seen),
    lambda t, actor, seen: services.add_message(t, actor=actor, body="Ответ", seen_version=seen),
    lambda t, actor, seen: services.request_clarification(t, actor=actor, body="Уточните",
                                                          seen_version=seen),
])
def test_every_change_from_an_old_version_is_refused_and_changes_nothing(
        ticket, teacher, line1_agent, action):
    seen = versions.current_version(ticket)
    services.add_message(ticket, actor=Actor.customer(teacher), body="Уже не нужно.")
    before = list(ticket.events.values_list("id", flat=True))
    with pytest.raises(StaleTicket):
        action(ticket, Actor.agent(line1_agent), seen)
    assert list(ticket.events.values_list("id", flat=True)) == before


def test_a_change_from_the_current_version_goes_through(ticket, line1_agent):
    services.assign(ticket, actor=Actor.agent(line1_agent), assignee=line1_agent,
                    seen_version=versions.current_version(ticket))
    ticket.refresh_from_db()
    assert ticket.assignee == line1_agent


def test_the_sla_clocks_own_notes_do_not_make_a_page_stale(ticket, line1_agent):
    seen = versions.current_version(ticket)
    services.record_sla(ticket, flag="at_risk")  # the escalation sweep flags it meanwhile
    services.assign(ticket, actor=Actor.agent(line1_agent), assignee=line1_agent, seen_version=seen)
    ticket.refresh_from_db()
    assert ticket.assignee == line1_agent
