"""Events: written in the same transaction as every change; reactions subscribe here.

Two kinds of subscriber, registered from each app's ``AppConfig.ready``:

* ``subscribe_in_transaction(fn)``: ``fn(event)`` runs inside the transaction that wrote the
  event. Only for state that must be consistent with the change (SLA clocks, search rows).
* ``subscribe(fn, kinds=...)``: ``fn(event)`` runs later in the job consumer, after the
  transaction commits (mail, search indexing, webhooks), for events of the kinds it names.
  The work is durable: it is written to the outbox (``tickets/outbox.py``) in the same
  transaction as the event, dispatched after the commit (one job per transaction) and
  dispatched again by a periodic sweep until every handler has returned; a handler that
  raises is retried with a growing delay. Handlers run at least once, so they must be
  idempotent (check what they already did, as ``mail.notifications`` and ``search.indexing``
  do). Naming the kinds keeps the outbox free of work that would do nothing.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum

from django.utils import timezone

from edudesk.tickets import outbox
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.types import Actor


class EventKind(StrEnum):
    """Every kind of event any app writes: the one registry (a test refuses others)."""

    # The ticket domain (tickets.services).
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    MESSAGE_ADDED = "message_added"
    CLARIFICATION_REQUESTED = "clarification_requested"
    ASSIGNED = "assigned"
    PRIORITY_CHANGED = "priority_changed"
    CATEGORY_CHANGED = "category_changed"
    FIELDS_UPDATED = "fields_updated"
    MERGED_INTO = "merged_into"
    MERGED_FROM = "merged_from"
    SPLIT_FROM = "split_from"
    SPLIT_INTO = "split_into"
    LINKED = "linked"
    CONSULTATION_CONVERTED = "consultation_converted"
    # A mass incident covers the ticket (incidents.services): data has the incident and its
    # SLA policy for children; the closing text is a message, the resolution a status change.
    INCIDENT_LINKED = "incident_linked"
    INCIDENT_UNLINKED = "incident_unlinked"  # an agent took it out of the incident (not the same problem)
    DUE_RECORDED = "due_recorded"
    SLA_FLAGGED = "sla_flagged"
    # The SLA clocks (sla.clocks, sla.escalation).
    CLOCK_STARTED = "sla_clock_started"
    CLOCK_PAUSED = "sla_clock_paused"
    CLOCK_RESUMED = "sla_clock_resumed"
    CLOCK_STOPPED = "sla_clock_stopped"
    CLOCK_RECOMPUTED = "sla_clock_recomputed"
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"
    # Mail about a ticket (mail.process, mail.ingest, mail.outbound).
    MAIL_HELD = "mail_held"
    MAIL_REJECTED = "mail_rejected"  # an agent refused a held mail
    MAIL_BOUNCED = "mail_bounced"
    MAIL_FAILED = "mail_failed"
    MAIL_AUTO_REPLY = "mail_auto_reply"  # an out-of-office or list mail on a ticket's thread


EventHandler = Callable[[Event], None]

_in_transaction: list[EventHandler] = []
_after_commit: dict[str, EventHandler] = {}
_after_commit_kinds: dict[str, frozenset[str] | None] = {}
_after_commit_batch: dict[str, Callable[[list[Event]], None]] = {}


def handler_name(fn: EventHandler) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def subscribe_in_transaction(fn: EventHandler) -> EventHandler:
    if fn not in _in_transaction:
        _in_transaction.append(fn)
    return fn


def subscribe(fn: EventHandler, kinds: Iterable[str] | None = None,
              batch: Callable[[list[Event]], None] | None = None) -> EventHandler:
    """Run `fn` after commit for events of `kinds` (every kind when None).

    `batch(events)`, when given, does what `fn` does for several events at once (cheaper per
    event); the outbox calls it when one job runs the work of several events.
    """
    name = handler_name(fn)
    _after_commit[name] = fn
    _after_commit_kinds[name] = frozenset(str(k) for k in kinds) if kinds is not None else None
    if batch is not None:
        _after_commit_batch[name] = batch
    else:
        _after_commit_batch.pop(name, None)
    return fn


def _handlers_for(kind: str) -> list[str]:
    return [name for name, kinds in _after_commit_kinds.items() if kinds is None or kind in kinds]


def after_commit_handler(name: str) -> EventHandler | None:
    return _after_commit.get(name)


def after_commit_batch(name: str) -> Callable[[list[Event]], None] | None:
    return _after_commit_batch.get(name)


def record(ticket: Ticket, kind: str, actor: Actor, *, old=None, new=None, data=None,
           now=None) -> Event:
    """Write one event for a change made in the current transaction and notify subscribers."""
    event = build(ticket, kind, actor, old=old, new=new, data=data, now=now)
    event.save(force_insert=True)
    _notify([event])
    return event


def record_many(ticket: Ticket, kind: str, actor: Actor, *, data: list[dict], now=None) -> list[Event]:
    """Write several events of one kind in one statement (e.g. the clocks a new ticket starts)."""
    events = Event.objects.bulk_create(
        [build(ticket, kind, actor, data=item, now=now) for item in data])
    _notify(events)
    return events


def build(ticket: Ticket, kind: str, actor: Actor, *, old=None, new=None, data=None, now=None) -> Event:
    """The event as ``record`` writes it, unsaved (the bulk import writes many at once)."""
    return Event(
        ticket=ticket,
        kind=EventKind(kind).value,  # only the registry's kinds (ValueError for any other)
        actor_kind=str(actor.kind),
        actor_user=actor.user,
        actor_contact=actor.contact,
        old=old,
        new=new,
        data=data or {},
        created_at=now or timezone.now(),
    )


def _notify(events: list[Event]) -> None:
    for event in events:
        for fn in list(_in_transaction):
            fn(event)
    outbox.write(events, _handlers_for)
