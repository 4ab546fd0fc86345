"""The ticket page's conversation, rendered once per state of the ticket and kept in the cache.

Building the timeline (messages, their screenshots, the events between) and rendering it was
half of the ticket page's cost. Whatever changes what the conversation shows writes an event on
the ticket: a message (MESSAGE_ADDED, merged or split messages with their MERGED/SPLIT events),
a status move, a held mail accepted or refused, an SLA flag, a delivery failure. So one indexed
aggregate over the ticket's events — the newest id and how many there are — names the state
shown; it also gives the ticket's version (``tickets.versions``) for the page's forms. The
fragment is cached as ``desk.fragments`` caches any (also keyed on the service's status names),
with the ticket's attachment count and its CREATED event's data (which never changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils.safestring import SafeString

from edudesk.desk import directory, fragments, timeline
from edudesk.intake.categorize import created_data
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.versions import NOTICEABLE

TEMPLATE = "desk/partials/conversation.html"


@dataclass(frozen=True)
class TicketState:
    newest_event: int
    events: int
    version: int


@dataclass(frozen=True)
class Conversation:
    html: SafeString
    attachment_count: int
    created: dict  # what the intake noticed at registration (its CREATED event's data)


def state_of(ticket: Ticket) -> TicketState:
    """One aggregate over the ticket's events: its newest, their number and its version."""
    row = Event.objects.filter(ticket_id=ticket.pk).aggregate(
        newest=Max("id"), events=Count("id"), version=Max("id", filter=NOTICEABLE))
    return TicketState(row["newest"] or 0, row["events"], row["version"] or 0)


def conversation(request, ticket: Ticket, state: TicketState, images_of: int | None) -> Conversation:
    """The rendered conversation for this request; built and cached on a miss. A page that
    asked for a message's remote images is built each time (rare, and never cached)."""
    key = fragments.key(TEMPLATE, (ticket.pk, state.newest_event, state.events))
    cached = fragments.lookup(key) if images_of is None else None
    if cached is None:
        generation = directory.generation()
        entries = timeline.build(ticket, images_of=images_of)
        attachment_count = sum(len(e.message.attachments.all()) for e in entries if e.is_message)
        cached = (fragments.render_marked(TEMPLATE, {"entries": entries, "ticket": ticket}),
                  attachment_count, created_data(ticket))
        if images_of is None:
            fragments.store(key, generation, cached)
    html, attachment_count, created = cached
    return Conversation(fragments.personal(html, request, state.version), attachment_count, created)
