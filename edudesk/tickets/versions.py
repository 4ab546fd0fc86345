"""The version of a ticket a person saw, and what changed since: one check for every action.

A ticket's version is the id of its newest *noticeable* event: anything a person did, and any
status move (the system closing or cancelling it); not the SLA clocks' or mail delivery's own
notes, which change nothing the agent decides on. A page shows the version it was built from;
an action sent from that page names it (``seen_version``), and ``tickets.services`` refuses the
action under the ticket's row lock when the ticket has moved on since (``StaleTicket``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.status import ActorKind

NOTICEABLE = Q(actor_kind__in=[ActorKind.AGENT, ActorKind.CUSTOMER]) | Q(kind=EventKind.STATUS_CHANGED)


def noticeable_events(ticket: Ticket) -> QuerySet[Event]:
    return Event.objects.filter(NOTICEABLE, ticket_id=ticket.pk)


def current_version(ticket: Ticket) -> int:
    return noticeable_events(ticket).order_by("-id").values_list("id", flat=True).first() or 0


def latest_version() -> int:
    """The newest noticeable event of any ticket: the version of a page listing many (a queue)."""
    return Event.objects.filter(NOTICEABLE).order_by("-id").values_list("id", flat=True).first() or 0


def changes_since(ticket: Ticket, seen: int) -> QuerySet[Event]:
    """The noticeable events written after version ``seen``, oldest first, with their actors."""
    return (noticeable_events(ticket).filter(id__gt=seen)
            .select_related("actor_user", "actor_contact").order_by("id"))


def parse(value) -> int | None:
    """A version posted by a page: a non-negative integer, else None (no version given)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None
