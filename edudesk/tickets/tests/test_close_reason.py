"""A person who cancels a ticket says why (the customer is told); the system's closings carry
their own reason (tickets.policy.REASON_REQUIRED)."""

import pytest

from edudesk.tickets import services
from edudesk.tickets.errors import ReasonRequired
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def test_an_agent_cancelling_without_a_reason_is_refused_and_nothing_changes(ticket, line1_agent):
    with pytest.raises(ReasonRequired):
        services.transition(ticket, Status.CANCELLED, actor=Actor.agent(line1_agent))
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED and ticket.reviewed_at is None
    assert not ticket.events.filter(kind="status_changed").exists()


def test_a_customer_cancelling_without_a_reason_is_refused(ticket, teacher):
    with pytest.raises(ReasonRequired):
        services.transition(ticket, Status.CANCELLED, actor=Actor.customer(teacher))


def test_confirming_the_solution_may_go_without_a_reason(ticket, line1_agent, teacher):
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent))
    assert services.transition(ticket, Status.RESOLVED,
                               actor=Actor.customer(teacher)).status == Status.RESOLVED
