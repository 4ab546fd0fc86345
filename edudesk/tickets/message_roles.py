"""What each message of a conversation is: the label the desk's timeline and the portal show.

A message's kind (public, internal, system) says who may read it, not what it is: the customer's
request, their later message, a specialist's answer and a request for clarification are all
public. What it is follows from who wrote it and from the event that added it (``CREATED``
names the request's message, ``CLARIFICATION_REQUESTED`` the question's, an incident's events
their notices and closing text). A merged duplicate's request keeps its label in the ticket it
was merged into.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Message, Ticket


class Role(models.TextChoices):
    REQUEST = "request", _("Обращение")
    CUSTOMER_MESSAGE = "customer_message", _("Сообщение заявителя")
    REPLY = "reply", _("Ответ специалиста")
    CLARIFICATION = "clarification", _("Запрос уточнения")
    NOTE = "note", _("Внутренняя заметка")
    INCIDENT = "incident", _("Сообщение о массовой проблеме")
    SYSTEM = "system", _("Системное сообщение")
    OTHER = "other", _("Сообщение")


# Events that say what the message they name is.
_NAMING_EVENTS = {
    EventKind.CREATED: Role.REQUEST,
    EventKind.CLARIFICATION_REQUESTED: Role.CLARIFICATION,
    EventKind.INCIDENT_LINKED: Role.INCIDENT,
    EventKind.INCIDENT_UNLINKED: Role.INCIDENT,
}


# The events naming a message (to combine with other conditions in one query).
NAMING = (Q(kind__in=[str(k) for k in _NAMING_EVENTS])
          | Q(kind=EventKind.MESSAGE_ADDED, data__has_key="incident"))


def of_ticket(ticket: Ticket) -> Q:
    """The ticket's events and its merged duplicates' (whose messages it holds now), by ticket id
    from a subquery: an OR across a join to the ticket table kept PostgreSQL off every index
    (it read all events and all tickets: 0.5 s at 100,000 tickets). The ids are a UNION of the
    ticket and its duplicates, not «id = ? OR merged_into = ?»: after ANALYZE, SQLite sees
    merged_into NULL almost everywhere and scanned the ticket table for that OR (62 ms at 100,000)."""
    duplicates = Ticket.objects.filter(merged_into=ticket.pk).order_by().values("pk")
    ids = Ticket.objects.filter(pk=ticket.pk).order_by().values("pk").union(duplicates, all=True)
    return Q(ticket_id__in=ids)


def named_roles(events: Iterable[Event]) -> dict[int, Role]:
    """Message id -> its role, from the events that name one (others are passed over)."""
    roles: dict[int, Role] = {}
    for event in events:
        message_id = (event.data or {}).get("message_id")
        if message_id is None or not (event.kind in _NAMING_EVENTS or "incident" in event.data):
            continue
        roles[message_id] = _NAMING_EVENTS.get(event.kind, Role.INCIDENT)
    return roles


def role_of(message: Message, named: dict[int, Role]) -> Role:
    if message.pk in named:
        return named[message.pk]
    if message.kind == Message.Kind.INTERNAL:
        return Role.NOTE
    if message.kind == Message.Kind.SYSTEM:
        return Role.SYSTEM
    if message.author_contact_id is not None:
        return Role.CUSTOMER_MESSAGE
    if message.author_user_id is not None:
        return Role.REPLY
    return Role.OTHER


def label(messages: Iterable[Message], ticket: Ticket, events: Iterable[Event] | None = None) -> None:
    """Set ``role`` on each of the ticket's messages, from ``events`` when the caller fetched
    them with ``NAMING`` and ``of_ticket`` (else one query)."""
    if events is None:
        events = Event.objects.filter(of_ticket(ticket), NAMING).only("kind", "data")
    named = named_roles(events)
    for message in messages:
        message.role = role_of(message, named)
