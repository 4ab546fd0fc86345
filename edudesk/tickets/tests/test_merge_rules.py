"""Merging: only one requester's tickets merge (tickets.policy.merge_refusal); other people's
tickets about the same problem are linked, and nobody sees another requester's messages."""

import pytest

from edudesk.testing import factories
from edudesk.tickets import policy, services, versions
from edudesk.tickets.errors import InvalidOperation, StaleTicket
from edudesk.tickets.models import Attachment, Message
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor, NewAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def petrov(eschool):
    """Петров Сергей Иванович, a teacher of a gymnasium in Тверь."""
    tver = factories.organisation(eschool, name="МОУ «Гимназия № 3»", city="Тверь")
    return factories.contact(eschool, full_name="Петров Сергей Иванович", org=tver,
                             email="petrov@gym3.example")


def test_different_requesters_tickets_are_not_merged_and_nothing_moves(
        eschool, teacher, petrov, line1_agent):
    ivanova_ticket = factories.ticket(eschool, teacher, attachments=[
        NewAttachment("s.png", b"\x89PNG stored as given", "image/png")])
    petrov_ticket = factories.ticket(eschool, petrov)
    with pytest.raises(InvalidOperation, match="разные заявители"):
        services.merge(ivanova_ticket, petrov_ticket, actor=Actor.agent(line1_agent))
    ivanova_ticket.refresh_from_db()
    assert ivanova_ticket.merged_into is None and ivanova_ticket.status == Status.REGISTERED
    assert not Message.objects.filter(ticket=petrov_ticket, author_contact=teacher).exists()
    assert not Attachment.objects.filter(ticket=petrov_ticket).exists()


def test_the_refusal_is_the_one_the_confirmation_shows(eschool, teacher, petrov):
    mine, theirs = factories.ticket(eschool, teacher), factories.ticket(eschool, petrov)
    assert "разные заявители" in policy.merge_refusal(mine, theirs)
    assert policy.merge_refusal(mine, factories.ticket(eschool, teacher)) is None
    assert policy.merge_refusal(mine, mine) is not None


def test_different_requesters_tickets_about_one_problem_are_linked_instead(
        eschool, teacher, petrov, line1_agent):
    mine, theirs = factories.ticket(eschool, teacher), factories.ticket(eschool, petrov)
    services.link(mine, theirs, actor=Actor.agent(line1_agent))
    assert mine.links_out.get().target == theirs
    assert list(mine.messages.values_list("author_contact", flat=True)) == [teacher.pk]


def test_a_merge_confirmed_over_an_original_that_changed_since_is_refused(
        eschool, teacher, line1_agent):
    original, duplicate = factories.ticket(eschool, teacher), factories.ticket(eschool, teacher)
    seen_original = versions.current_version(original)
    services.transition(original, Status.RESOLVED, actor=Actor.agent(line1_agent))
    with pytest.raises(StaleTicket) as refused:
        services.merge(duplicate, original, actor=Actor.agent(line1_agent),
                       seen_version=versions.current_version(duplicate),
                       seen_into_version=seen_original)
    assert refused.value.details["number"] == original.number
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_a_merged_duplicate_tells_its_requester_where_to_follow_not_cancelled(
        eschool, teacher, line1_agent):
    original, duplicate = factories.ticket(eschool, teacher), factories.ticket(eschool, teacher)
    services.merge(duplicate, original, actor=Actor.agent(line1_agent))
    duplicate.refresh_from_db()
    assert duplicate.status_label() == f"Объединено с {original.number}"
    assert original.number in duplicate.status_meaning()
    assert "отменено" not in duplicate.status_meaning()
