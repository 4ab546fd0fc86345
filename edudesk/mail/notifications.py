"""Which ticket events the customer hears about by mail, and with which template.

Registered as an after-commit event subscriber: runs in a retried job, so it must be
idempotent; ``outbound.queue_mail`` composes at most one mail per event and recipient.
"""

from __future__ import annotations

from edudesk.accounts.models import Contact
from edudesk.mail.models import MailTemplate, OutboundMail
from edudesk.mail.outbound import queue_mail
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Message
from edudesk.tickets.status import ActorKind, Status

Key = MailTemplate.Key

# Status changes a customer is told about; the others come with a message of their own
# (an answer, a request for clarification) or were made by the customer.
# The events that may tell the customer something (others never queue a job for mail).
NOTIFIED_KINDS = frozenset({EventKind.CREATED, EventKind.MESSAGE_ADDED,
                            EventKind.CLARIFICATION_REQUESTED, EventKind.STATUS_CHANGED,
                            EventKind.MERGED_INTO})
# Events told to the requester alone (the rest go to everyone who writes in the ticket).
_REQUESTER_ONLY = frozenset({EventKind.CREATED, EventKind.MERGED_INTO})

_STATUS_TEMPLATES = {
    Status.IN_PROCESSING: Key.STATUS_CHANGED,
    Status.IN_WORK: Key.STATUS_CHANGED,
    Status.SUGGESTION: Key.STATUS_CHANGED,
    Status.RESOLVED: Key.CLOSED,
    Status.CANCELLED: Key.CLOSED,
}


def _template_and_context(event: Event) -> tuple[str, dict, bool] | None:
    """(template, extra context, automatic) for an event, or None when nobody is told."""
    ticket = event.ticket
    if event.kind == EventKind.CREATED:
        return Key.REGISTERED, {}, True
    if event.kind == EventKind.MESSAGE_ADDED:
        message = Message.objects.filter(pk=event.data.get("message_id")).first()
        if message is None or message.kind != Message.Kind.PUBLIC or message.author_user_id is None:
            return None
        clarification = Event.objects.filter(
            ticket=ticket, kind=EventKind.CLARIFICATION_REQUESTED, data__message_id=message.pk
        ).exists()
        if clarification:
            return None  # the clarification request's own mail carries this message
        return Key.AGENT_REPLY, {"message": message.body}, False
    if event.kind == EventKind.CLARIFICATION_REQUESTED:
        if event.actor_kind == ActorKind.SYSTEM:
            return None  # asked by an intake channel, which sent its own reply
        message = Message.objects.filter(pk=event.data.get("message_id")).first()
        body = message.body if message else ""
        return Key.CLARIFICATION, {"message": body, "missing": event.data.get("missing", [])}, False
    if event.kind == EventKind.MERGED_INTO:
        original = ticket.merged_into
        if original is None:
            return None
        return Key.MERGED, {"original_number": original.number,
                            "original_subject": original.subject}, False
    if event.kind == EventKind.STATUS_CHANGED:
        data = event.data or {}
        if event.actor_kind == ActorKind.CUSTOMER or data.get("automatic"):
            return None
        if data.get("reason") == "merged":
            return None  # the merge notice names the ticket to follow instead
        template = _STATUS_TEMPLATES.get((event.new or {}).get("status"))
        return (template, {}, False) if template else None
    return None


def participants(ticket) -> list[Contact]:
    """The requester first, then every other contact who wrote in the ticket."""
    people = [ticket.requester]
    writers = Contact.objects.filter(
        pk__in=Message.objects.filter(ticket=ticket, author_contact__isnull=False)
        .values("author_contact")
    ).exclude(pk=ticket.requester_id).order_by("pk")
    people.extend(writers)
    return people


def notify_customer(event: Event) -> list[OutboundMail]:
    """Compose the mail an event deserves (if any) for the ticket's participants.

    The registration and the merge notice go to the requester alone; answers, questions and
    status news go to everyone who writes in the ticket.
    """
    decision = _template_and_context(event)
    if decision is None:
        return []
    template, context, automatic = decision
    ticket = event.ticket
    recipients = [ticket.requester] if event.kind in _REQUESTER_ONLY else participants(ticket)
    composed = []
    for recipient in recipients:
        mail = queue_mail(ticket=ticket, recipient=recipient, template=template, event=event,
                          automatic=automatic, context=context)
        if mail is not None:
            composed.append(mail)
    return composed
