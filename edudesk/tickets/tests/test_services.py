"""The domain functions of tickets.services, with the seed's automatic moves."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.errors import InvalidOperation
from edudesk.tickets.events import subscribe_in_transaction
from edudesk.tickets.models import Attachment, Event, Message, Ticket
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor, NewAttachment

pytestmark = pytest.mark.django_db


def domain_kinds(ticket) -> list[str]:
    """The ticket domain's own events (the SLA app adds its clock events alongside)."""
    return [kind for kind in ticket.events.order_by("id").values_list("kind", flat=True)
            if not kind.startswith("sla_") and kind != "due_recorded"]


def _png(name="s.png"):
    return NewAttachment(name=name, content=b"\x89PNG fake but stored as given", content_type="image/png")


def test_registering_a_request_numbers_it_and_records_the_first_message(eschool, teacher):
    ticket = factories.ticket(eschool, teacher)
    assert ticket.number.startswith("INC") and len(ticket.number) == 10
    assert ticket.status == Status.REGISTERED
    assert ticket.group.name == "Первая линия"
    first = ticket.messages.get()
    assert first.author_contact == teacher and first.body == ticket.description
    assert domain_kinds(ticket) == ["created"]


def test_numbers_use_the_service_prefix(db):
    svc = factories.service("uni", number_prefix="UNI")
    ticket = factories.ticket(svc, factories.contact(svc))
    assert ticket.number.startswith("UNI")


def test_an_agents_first_action_on_a_new_request_marks_it_in_processing(ticket, line1_agent):
    services.add_message(ticket, actor=Actor.agent(line1_agent), body="Смотрим.",
                         kind=Message.Kind.INTERNAL)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROCESSING
    assert ticket.reviewed_at is not None
    assert domain_kinds(ticket) == ["created", "status_changed", "message_added"]


def test_reply_while_waiting_for_clarification_marks_clarification_sent(ticket, line1_agent, teacher):
    services.request_clarification(ticket, actor=Actor.agent(line1_agent),
                                   body="Пришлите снимок экрана.", missing=["screenshot"])
    ticket.refresh_from_db()
    assert ticket.status == Status.NEEDS_CLARIFICATION
    services.add_message(ticket, actor=Actor.customer(teacher), body="Вот снимок.",
                         attachments=[_png()])
    ticket.refresh_from_db()
    assert ticket.status == Status.CLARIFICATION_SENT


def test_customer_message_on_an_answered_ticket_puts_it_back_in_work(ticket, line1_agent, teacher):
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent))
    services.add_message(ticket, actor=Actor.customer(teacher), body="Не помогло.")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_WORK


def test_customer_cannot_write_internal_notes(ticket, teacher):
    with pytest.raises(InvalidOperation):
        services.add_message(ticket, actor=Actor.customer(teacher), body="x", kind=Message.Kind.INTERNAL)
    assert ticket.messages.count() == 1


def test_attachments_are_numbered_per_ticket_as_kartinka(ticket, teacher, eschool):
    services.add_message(ticket, actor=Actor.customer(teacher), body="Два снимка",
                         attachments=[_png("a.png"), _png("b.png")])
    services.add_message(ticket, actor=Actor.customer(teacher), body="Ещё один", attachments=[_png()])
    names = [str(a.display_name) for a in Attachment.objects.filter(ticket=ticket)]
    assert names == ["картинка1", "картинка2", "картинка3"]
    other = factories.ticket(eschool, teacher)
    services.add_message(other, actor=Actor.customer(teacher), body="x", attachments=[_png()])
    assert str(other.attachments.get().display_name) == "картинка1"


def test_answered_tickets_without_reply_close_as_resolved(ticket, line1_agent, eschool):
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent))
    cutoff = timezone.now() + dt.timedelta(seconds=1)
    assert services.auto_close_answered(service=eschool, answered_before=cutoff) == [ticket.number]
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.closed_at is not None
    assert ticket.events.latest("id").actor_kind == "system"


def test_assign_refuses_an_agent_of_another_service(ticket, line1_agent, outsider_agent):
    with pytest.raises(InvalidOperation):
        services.assign(ticket, actor=Actor.agent(line1_agent), assignee=outsider_agent)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_priority_change_is_an_event_with_old_and_new(ticket, line1_agent):
    services.set_priority(ticket, "high", actor=Actor.agent(line1_agent))
    event = ticket.events.get(kind="priority_changed")
    assert (event.old, event.new) == ({"priority": "normal"}, {"priority": "high"})


def test_merge_moves_messages_and_closes_the_duplicate_with_a_link(eschool, teacher, line1_agent):
    original = factories.ticket(eschool, teacher, subject="Журнал")
    duplicate = factories.ticket(eschool, teacher, subject="Журнал снова",
                                 attachments=[_png()])
    services.add_message(original, actor=Actor.customer(teacher), body="x", attachments=[_png()])
    services.merge(duplicate, original, actor=Actor.agent(line1_agent))
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CANCELLED and duplicate.merged_into == original
    assert original.messages.filter(body__startswith="При сохранении").count() == 2
    assert sorted(original.attachments.values_list("ordinal", flat=True)) == [1, 2]
    assert original.number in duplicate.messages.get(kind="system").body
    # The customer writing into the closed duplicate lands in the original.
    message = services.add_message(duplicate, actor=Actor.customer(teacher), body="Есть новости?")
    assert message.ticket == original


def test_split_makes_a_new_ticket_for_the_same_requester(ticket, line1_agent):
    new = services.split(ticket, actor=Actor.agent(line1_agent), text="Вторая проблема: не печатается отчёт",
                         subject="Отчёт")
    assert new.requester == ticket.requester and new.pk != ticket.pk
    assert ticket.links_out.get().target == new
    assert new.events.filter(kind="split_from").exists()


def test_convert_consultation_links_the_ticket(eschool, teacher, line1_agent):
    from edudesk.tickets.models import Consultation

    consultation = Consultation.objects.create(service=eschool, agent=line1_agent, topic="Пароль",
                                               channel="phone")
    ticket = services.convert_consultation(consultation, actor=Actor.agent(line1_agent),
                                           requester=teacher, subject="Пароль", description="Сброс")
    assert ticket.consultation == consultation and ticket.channel == "phone"
    with pytest.raises(InvalidOperation):
        services.convert_consultation(consultation, actor=Actor.agent(line1_agent),
                                      requester=teacher, subject="Пароль", description="Сброс")


def test_in_transaction_subscribers_roll_back_with_the_change(eschool, teacher):
    def explode(event):
        if event.kind == "created":
            raise RuntimeError("subscriber failed")

    subscribe_in_transaction(explode)
    try:
        with pytest.raises(RuntimeError):
            factories.ticket(eschool, teacher)
        assert Ticket.objects.count() == 0 and Event.objects.count() == 0
    finally:
        from edudesk.tickets import events

        events._in_transaction.remove(explode)


def test_after_commit_handlers_run_once_per_event(eschool, teacher, django_capture_on_commit_callbacks):
    from edudesk.tickets import events

    seen = []

    def remember(event):
        seen.append(event.kind)

    events.subscribe(remember)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            factories.ticket(eschool, teacher)
        assert [kind for kind in seen if kind == "created"] == ["created"]
    finally:
        events._after_commit.pop(events.handler_name(remember))
        events._after_commit_kinds.pop(events.handler_name(remember))


def test_after_commit_handlers_get_only_the_kinds_they_name(eschool, teacher, line1_agent,
                                                            django_capture_on_commit_callbacks):
    from edudesk.tickets import events

    seen = []

    def remember(event):
        seen.append(event.kind)

    events.subscribe(remember, kinds=[events.EventKind.PRIORITY_CHANGED])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ticket = factories.ticket(eschool, teacher)
            services.set_priority(ticket, "high", actor=Actor.agent(line1_agent))
        assert seen == ["priority_changed"]
    finally:
        events._after_commit.pop(events.handler_name(remember))
        events._after_commit_kinds.pop(events.handler_name(remember))
