"""From one ticket event to the facts it adds to the reports.

The same function serves the live subscriber (the ticket as the change left it, history
read from the database) and the rebuild (the ticket's state replayed from its events,
history kept in memory), so a rebuild gives exactly what the live path gave.

Definitions (what the brute-force test recomputes):

* a fact's day is the local date, in the service's zone, of the event that caused it; a
  ticket's slice (line, agent, channel, category, priority, organisation, region) is the
  one it had right after that event;
* created, resolved, cancelled, reopened (closed → open) count status moves; the backlog
  is the running sum of +1 (opened, reopened, moved into a slice) and -1 (closed, moved out);
* «clarified»: a ticket that entered «требуется уточнение» at least once, counted once on
  its creation day and slice (the share of created tickets that needed a clarification);
* a clarification wait: working time from entering «требуется уточнение» to leaving it;
* an SLA outcome: each clock stopped met or breached, with its working time excluding
  pauses; a reopened ticket's resumed clock takes its earlier outcome back;
* merged, split, converted consultations and repeats added to an open ticket;
* a customer's rating (bucket = score), on the local day it was first given and in the
  ticket's slice then; a changed score takes the earlier one back on that day and slice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from edudesk.reports import metrics as m
from edudesk.reports.models import Fact
from edudesk.sla.calendars import calendar_for
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.status import CLOSED_STATUSES, Status


@dataclass(frozen=True)
class TicketState:
    """A ticket's status and the slice its facts are counted in."""

    status: str
    service_id: int
    group_id: int
    agent_id: int
    channel: str
    category: str
    priority: str
    organisation_id: int
    region: str

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


def state_of(ticket: Ticket) -> TicketState:
    organisation = ticket.organisation if ticket.organisation_id else None
    return TicketState(
        status=ticket.status, service_id=ticket.service_id, group_id=ticket.group_id or 0,
        agent_id=ticket.assignee_id or 0, channel=ticket.channel, category=ticket.category,
        priority=ticket.priority, organisation_id=ticket.organisation_id or 0,
        region=organisation.region if organisation else "",
    )


class StoredHistory:
    """What the live path needs to know of a ticket's past: from the database."""

    def facts(self, ticket_id: int, prefix: str) -> list[Fact]:
        return list(Fact.objects.filter(ticket_id=ticket_id, metric__startswith=prefix).order_by("id"))

    def waiting_since(self, event: Event) -> datetime | None:
        previous = (Event.objects.filter(ticket_id=event.ticket_id, kind=EventKind.STATUS_CHANGED,
                                         id__lt=event.pk).order_by("-id").first())
        if previous and (previous.new or {}).get("status") == Status.NEEDS_CLARIFICATION:
            return previous.created_at
        return None

    def add(self, facts: list[Fact]) -> None:
        if facts:
            Fact.objects.bulk_create(facts)


def on_ticket_event(event: Event) -> None:
    """In-transaction subscriber: the facts of this change, in its transaction."""
    if event.kind not in COUNTED:
        return
    ticket = event.ticket
    history = StoredHistory()
    history.add(facts_for(event, state_of(ticket), ticket.service, history))


COUNTED = frozenset({
    EventKind.CREATED, EventKind.STATUS_CHANGED, EventKind.ASSIGNED, EventKind.CATEGORY_CHANGED,
    EventKind.PRIORITY_CHANGED, EventKind.MERGED_INTO, EventKind.SPLIT_FROM,
    EventKind.CONSULTATION_CONVERTED, EventKind.MESSAGE_ADDED, EventKind.CLOCK_STOPPED,
    EventKind.CLOCK_RESUMED,
})
_SIMPLE = {EventKind.MERGED_INTO: m.MERGED, EventKind.SPLIT_FROM: m.SPLIT,
           EventKind.CONSULTATION_CONVERTED: m.CONVERTED}
_MOVES = {EventKind.ASSIGNED: (("group", "group_id"), ("assignee", "agent_id")),
          EventKind.CATEGORY_CHANGED: (("category", "category"),),
          EventKind.PRIORITY_CHANGED: (("priority", "priority"),)}


def facts_for(event: Event, state: TicketState, service, history) -> list[Fact]:
    """The facts one event adds; `state` is the ticket right after the event."""
    calendar = calendar_for(service)
    day = event.created_at.astimezone(calendar.zone).date()
    out: list[Fact] = []

    def add(metric: str, at: TicketState = state, count: int = 1, bucket: int = 0) -> None:
        out.append(make_fact(event.ticket_id, day, at, metric, count=count, bucket=bucket))

    kind = event.kind
    if kind == EventKind.CREATED:
        add(m.CREATED)
        add(m.BACKLOG)
    elif kind == EventKind.STATUS_CHANGED:
        old, new = (event.old or {}).get("status"), event.new["status"]
        _status_facts(event, old, new, state, add, history, calendar)
        if new == Status.NEEDS_CLARIFICATION and not history.facts(event.ticket_id, m.CLARIFIED):
            created = history.facts(event.ticket_id, m.CREATED)
            if created:
                out.append(copy_fact(created[0], metric=m.CLARIFIED, count=1))
    elif kind in _MOVES and state.is_open:
        before = replace(state, **{attr: _value(attr, (event.old or {}).get(key))
                                   for key, attr in _MOVES[kind]})
        if before != state:
            add(m.BACKLOG, at=before, count=-1)
            add(m.BACKLOG)
    elif kind in _SIMPLE:
        add(_SIMPLE[kind])
    elif kind == EventKind.MESSAGE_ADDED:
        if (event.data or {}).get("repeat"):
            add(m.REPEAT)
    elif kind == EventKind.CLOCK_STOPPED:
        outcome = event.data.get("state")
        if outcome in m.OUTCOMES:
            add(m.sla_metric(event.data["clock"], outcome),
                bucket=m.bucket(m.working_minutes(clock_working_time(event.data, calendar))))
    elif kind == EventKind.CLOCK_RESUMED:
        earlier = history.facts(event.ticket_id, f"sla_{event.data['clock']}_")
        if sum(f.count for f in earlier) > 0:
            last = next(f for f in reversed(earlier) if f.count > 0)
            out.append(copy_fact(last, count=-1))
    return out


def _status_facts(event, old, new, state, add, history, calendar) -> None:
    if new == Status.RESOLVED:
        add(m.RESOLVED)
    if new == Status.CANCELLED:
        add(m.CANCELLED)
    was_open, is_open = old not in CLOSED_STATUSES, new not in CLOSED_STATUSES
    if was_open and not is_open:
        add(m.BACKLOG, count=-1)
    elif is_open and not was_open:
        add(m.BACKLOG)
        add(m.REOPENED)
    if old == Status.NEEDS_CLARIFICATION:
        since = history.waiting_since(event)
        if since is not None:
            waited = calendar.working_time_between(since, event.created_at)
            add(m.CLARIFICATION_WAIT, bucket=m.bucket(m.working_minutes(waited)))


def clock_working_time(data: dict, calendar) -> timedelta:
    """A stopped clock's working time without its pauses, from its event's data.

    The due moment is the start plus the target plus the pauses in working time, so the
    pauses are recovered exactly (the event's rounded pause minutes are not used)."""
    started = datetime.fromisoformat(data["started_at"])
    stopped = datetime.fromisoformat(data["stopped_at"])
    due = datetime.fromisoformat(data["due_at"])
    paused = calendar.working_time_between(started, due) - timedelta(minutes=data["target_minutes"])
    return calendar.working_time_between(started, stopped) - paused


def _value(attr: str, raw):
    if attr in ("group_id", "agent_id"):
        return raw or 0
    return raw or ""


def make_fact(ticket_id: int, day: date, state: TicketState, metric: str, *, count: int = 1,
              bucket: int = 0) -> Fact:
    return Fact(ticket_id=ticket_id, day=day, service_id=state.service_id, group_id=state.group_id,
                agent_id=state.agent_id, channel=state.channel, category=state.category,
                priority=state.priority, organisation_id=state.organisation_id,
                region=state.region, metric=metric, bucket=bucket, count=count)


def copy_fact(fact: Fact, **changes) -> Fact:
    fields = {f.attname: getattr(fact, f.attname) for f in Fact._meta.concrete_fields
              if f.attname not in ("id", "folded")}
    return Fact(**{**fields, **changes})


def rating_facts(ticket: Ticket, score: int, rated_at: datetime) -> list[Fact]:
    """The facts of a rating given or changed: the first one counts on the local day of
    `rated_at` in the ticket's slice now; a change takes the earlier score back and adds the
    new one on that same day and slice."""
    last = (Fact.objects.filter(ticket_id=ticket.pk, metric=m.RATING, count__gt=0)
            .order_by("-id").first())
    if last is None:
        day = rated_at.astimezone(calendar_for(ticket.service).zone).date()
        return [make_fact(ticket.pk, day, state_of(ticket), m.RATING, bucket=score)]
    if last.bucket == score:
        return []
    return [copy_fact(last, count=-1), copy_fact(last, bucket=score, count=1)]
