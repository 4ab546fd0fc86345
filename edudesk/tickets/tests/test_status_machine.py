"""Every pair of the seed's statuses, for every kind of actor: allowed moves happen, others change nothing."""

import itertools

import pytest

from edudesk.tickets import services
from edudesk.tickets.errors import TransitionNotAllowed
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.status import TRANSITIONS, ActorKind, Status, can_transition, next_statuses
from edudesk.tickets.types import Actor

PAIRS = list(itertools.product(Status, Status))

EXPECTED_ALLOWED_FOR_CUSTOMER = {
    (Status.REGISTERED, Status.CANCELLED),
    (Status.IN_PROCESSING, Status.CANCELLED),
    (Status.NEEDS_CLARIFICATION, Status.CLARIFICATION_SENT),
    (Status.NEEDS_CLARIFICATION, Status.CANCELLED),
    (Status.CLARIFICATION_SENT, Status.CANCELLED),
    (Status.IN_WORK, Status.CANCELLED),
    (Status.ANSWERED, Status.RESOLVED),
    (Status.ANSWERED, Status.IN_WORK),
    (Status.ANSWERED, Status.CANCELLED),
    (Status.SUGGESTION, Status.CANCELLED),
    (Status.RESOLVED, Status.IN_WORK),
}


def test_the_nine_statuses_carry_the_seed_names():
    assert {s.value: str(s.label) for s in Status} == {
        "registered": "Обращение зарегистрировано",
        "in_processing": "Обращение в обработке",
        "needs_clarification": "Техподдержке требуется уточнение",
        "clarification_sent": "Уточнение техподдержке отправлено",
        "in_work": "Обращение в работе",
        "answered": "Ответ техподдержки",
        "cancelled": "Обращение отменено",
        "resolved": "Вопрос решён",
        "suggestion": "Предложения по СДО",
    }


def test_no_status_transitions_to_itself():
    assert all(a != b for a, b in TRANSITIONS)


def test_a_customer_may_cancel_any_open_ticket():
    for status in Status:
        if status not in (Status.CANCELLED, Status.RESOLVED):
            assert can_transition(status, Status.CANCELLED, ActorKind.CUSTOMER), status


def test_customer_moves_are_exactly_the_seed_ones():
    allowed = {(a, b) for a, b in PAIRS if can_transition(a, b, ActorKind.CUSTOMER)}
    assert allowed == EXPECTED_ALLOWED_FOR_CUSTOMER


def test_next_statuses_follow_the_seed_order():
    assert next_statuses(Status.ANSWERED, ActorKind.CUSTOMER) == [
        Status.IN_WORK, Status.CANCELLED, Status.RESOLVED]


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition_for_every_pair_of_statuses(current, target, ticket, line1_agent, teacher):
    Ticket.objects.filter(pk=ticket.pk).update(status=current, reviewed_at=ticket.created_at)
    for actor in (Actor.agent(line1_agent), Actor.customer(teacher)):
        Ticket.objects.filter(pk=ticket.pk).update(status=current)
        events_before = Event.objects.filter(ticket=ticket).count()
        if can_transition(current, target, actor.kind):
            reason = "by_mistake" if target == Status.CANCELLED else ""  # a cancel says why
            changed = services.transition(ticket, target, actor=actor, reason=reason)
            assert changed.status == target
            event = Event.objects.filter(ticket=ticket, kind="status_changed").latest("id")
            # An agent's move away from «зарегистрировано» first records the review.
            via_review = (actor.kind == ActorKind.AGENT and current == Status.REGISTERED
                          and target != Status.IN_PROCESSING)
            previous = Status.IN_PROCESSING if via_review else current
            assert (event.kind, event.old, event.new) == (
                "status_changed", {"status": previous}, {"status": target})
        else:
            with pytest.raises(TransitionNotAllowed) as refused:
                services.transition(ticket, target, actor=actor)
            assert ticket.number in refused.value.message
            ticket.refresh_from_db()
            assert ticket.status == current
            assert Event.objects.filter(ticket=ticket).count() == events_before
