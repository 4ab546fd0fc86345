"""The life of a ticket's SLA clocks, driven by ticket events inside their transaction.

* created: the review, first-answer and solution clocks start at the moment of receipt;
* the first status change (an agent's review) stops the review clock;
* the first public agent reply, or a move to needs_clarification / answered / resolved /
  suggestion, stops the first-answer clock;
* needs_clarification pauses the solution clock; leaving it resumes the clock and moves
  its due time by exactly the working time spent waiting;
* answered / resolved / suggestion stop the solution clock; cancelled cancels every clock;
  a reopened ticket resumes its solution clock, the closed interval counted as a pause;
* a priority change recomputes every active clock's due time;
* a closing undone (``tickets.services.undo_close``) restores the clocks it stopped as they were:
  the minutes it lasted are not a pause, the customer was waiting all along;
* a ticket linked to a mass incident whose policy is «pause» pauses its first-answer and
  solution clocks; the incident's resolution stops them, taking it out of the incident resumes them.

Every clock change writes an event; the ticket keeps `review_due_at`, `due_at` and its SLA
flag through `tickets.services.record_sla`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from edudesk.sla.calendar import BusinessCalendar
from edudesk.sla.calendars import calendar_for
from edudesk.sla.models import ClockKind, ClockState, SlaClock
from edudesk.sla.policies import targets_for
from edudesk.tickets import services as ticket_services
from edudesk.tickets.events import EventKind, record, record_many
from edudesk.tickets.models import Event, Message, SlaFlag, Ticket
from edudesk.tickets.status import (
    FIRST_ANSWER_STATUSES,
    REOPENABLE_STATUSES,
    SOLUTION_STOPPED_STATUSES,
    WAITING_FOR_CUSTOMER,
    ActorKind,
    Status,
)
from edudesk.tickets.types import Actor

WARN_SHARE = 0.8

OWN_EVENTS = frozenset(
    {
        EventKind.CLOCK_STARTED,
        EventKind.CLOCK_PAUSED,
        EventKind.CLOCK_RESUMED,
        EventKind.CLOCK_STOPPED,
        EventKind.CLOCK_RECOMPUTED,
        EventKind.SLA_WARNING,
        EventKind.SLA_BREACHED,
        EventKind.DUE_RECORDED,
        EventKind.SLA_FLAGGED,
    }
)



# --- arithmetic on one clock ---------------------------------------------------------------


def _schedule(clock: SlaClock, calendar: BusinessCalendar) -> None:
    """Due and warning moments from the start, the target and the pauses so far."""
    clock.due_at = calendar.add_working_time(clock.started_at, clock.target + clock.paused_working)
    clock.warn_at = calendar.add_working_time(
        clock.started_at, clock.target * WARN_SHARE + clock.paused_working
    )


def remaining_working_time(clock: SlaClock, now: datetime) -> timedelta | None:
    """Working time left before the due moment (negative once overdue); None once stopped."""
    if not clock.is_active:
        return None
    calendar = calendar_for(clock.ticket.service)
    at = clock.paused_at if clock.state == ClockState.PAUSED else now
    return calendar.working_time_between(at, clock.due_at)


# --- the handler ----------------------------------------------------------------------------


def on_ticket_event(event: Event, book: ClockBook | None = None) -> None:
    """In-transaction subscriber: keep the ticket's clocks in step with the change.

    `book`: where the clocks are kept (``StoredClocks``, the database, unless the caller keeps
    them elsewhere: the bulk import replays a ticket's history in memory with the same rules)."""
    if event.kind in OWN_EVENTS:
        return
    book = book or STORED
    ticket, now = event.ticket, event.created_at
    if event.kind == EventKind.CREATED:
        # The ticket was inserted by this very transaction: its row is ours and the instance
        # current, so the due dates are recorded without reading the clocks or the row again
        # (nothing to record when ``prepare`` put them into the ticket's INSERT).
        clocks = ticket.__dict__.pop(PREPARED, None) or new_clocks(ticket, now)
        sync_ticket(ticket, now, clocks=book.start(ticket, clocks, now), current=True, book=book)
        return
    if event.kind == EventKind.STATUS_CHANGED and (event.data or {}).get("undoes"):
        _restore(ticket, event.data["undoes"], now)
    elif event.kind == EventKind.STATUS_CHANGED:
        _on_status_changed(
            ticket, (event.old or {}).get("status"), event.new["status"], event.actor_kind, now,
            cause=event.pk, book=book,
        )
    elif event.kind == EventKind.MESSAGE_ADDED:
        if event.actor_kind != ActorKind.AGENT or event.data.get("kind") != Message.Kind.PUBLIC:
            return
        _stop(ticket, ClockKind.FIRST_ANSWER, now, book=book)
    elif event.kind == EventKind.PRIORITY_CHANGED:
        recompute(ticket, now)
    elif event.kind == EventKind.INCIDENT_LINKED:
        if (event.data or {}).get("sla") != "pause":
            return
        # A child of a mass incident waits for the incident (its policy «pause»): the answer
        # and solution clocks stop counting until the incident's resolution stops them.
        _pause(ticket, ClockKind.FIRST_ANSWER, now, book=book)
        _pause(ticket, ClockKind.SOLUTION, now, book=book)
    elif event.kind == EventKind.INCIDENT_UNLINKED:
        if (event.data or {}).get("sla") != "pause" or ticket.status in WAITING_FOR_CUSTOMER:
            return
        _resume(ticket, ClockKind.FIRST_ANSWER, now, book=book)
        _resume(ticket, ClockKind.SOLUTION, now, book=book)
    else:
        return
    sync_ticket(ticket, now, book=book)


# The clocks ``prepare`` made for a new ticket, kept on the instance until its CREATED event.
PREPARED = "_sla_prepared_clocks"


def prepare(ticket: Ticket, now: datetime) -> None:
    """Before a new ticket's INSERT (``tickets.services.prepare_new_tickets``): its clocks, and
    the due dates and flag they give set on the instance, so the row is written with them."""
    clocks = new_clocks(ticket, now)
    setattr(ticket, PREPARED, clocks)
    values = _ticket_values({clock.kind: clock for clock in clocks})
    ticket.review_due_at, ticket.due_at = values["review_due_at"], values["due_at"]
    ticket.sla_flag = SlaFlag(values["flag"]).value


def new_clocks(ticket: Ticket, now: datetime) -> list[SlaClock]:
    """The review, first-answer and solution clocks a ticket opened at `now` starts (unsaved)."""
    calendar = calendar_for(ticket.service)
    targets = targets_for(ticket.service, ticket.priority)
    clocks = [SlaClock(ticket=ticket, kind=kind, target=targets.of(kind), started_at=now)
              for kind in ClockKind]
    for clock in clocks:
        _schedule(clock, calendar)
    return clocks


def _on_status_changed(ticket: Ticket, old: str | None, new: str, actor_kind: str, now: datetime,
                       cause: int | None = None, book: ClockBook | None = None) -> None:
    """`cause`: the status change's event, named on the clock events it leads to (an undo of
    that change finds the clocks it stopped)."""
    book = book or STORED
    if old == Status.REGISTERED:
        if new == Status.CANCELLED and actor_kind != ActorKind.AGENT:
            _cancel(ticket, ClockKind.REVIEW, now, cause, book=book)
        else:
            _stop(ticket, ClockKind.REVIEW, now, cause, book=book)
    if new == Status.CANCELLED:
        for kind in ClockKind:
            _cancel(ticket, kind, now, cause, book=book)
    elif new in FIRST_ANSWER_STATUSES:
        _stop(ticket, ClockKind.FIRST_ANSWER, now, cause, book=book)
    if new in WAITING_FOR_CUSTOMER:
        _pause(ticket, ClockKind.SOLUTION, now, book=book)
    elif new in SOLUTION_STOPPED_STATUSES:
        _stop(ticket, ClockKind.SOLUTION, now, cause, book=book)
    elif new != Status.CANCELLED:
        if old in WAITING_FOR_CUSTOMER:
            _resume(ticket, ClockKind.SOLUTION, now, book=book)
        elif old in REOPENABLE_STATUSES:
            _reopen(ticket, ClockKind.SOLUTION, now, book=book)


def _locked():
    """Clock rows locked for this transaction: the escalation sweep waits, then sees the change."""
    return SlaClock.objects.select_for_update()


class StoredClocks:
    """A ticket's clocks in the database (the live path): rows locked, events recorded at once.

    The rules above read and write clocks only through a book like this one, so a caller that
    keeps the clocks elsewhere (``imports.history``: a ticket's past replayed in memory, then
    written in bulk) runs the very same rules.
    """

    def start(self, ticket: Ticket, clocks: list[SlaClock], now: datetime) -> list[SlaClock]:
        """Keep new clocks (one insert) and record that they started (one insert of events)."""
        clocks = SlaClock.objects.bulk_create(clocks)
        record_many(ticket, EventKind.CLOCK_STARTED, Actor.system(),
                    data=[clock_data(c) for c in clocks], now=now)
        return clocks

    def active(self, ticket: Ticket, kind: str) -> SlaClock | None:
        return _locked().filter(ticket=ticket, kind=kind,
                                state__in=[ClockState.RUNNING, ClockState.PAUSED]).first()

    def finished(self, ticket: Ticket, kind: str) -> SlaClock | None:
        return (_locked().filter(ticket=ticket, kind=kind)
                .exclude(state__in=[ClockState.RUNNING, ClockState.PAUSED]).first())

    def all(self, ticket: Ticket) -> list[SlaClock]:
        return list(SlaClock.objects.filter(ticket=ticket))

    def save(self, clock: SlaClock, fields: list[str] | None = None) -> None:
        clock.save(update_fields=fields)

    def event(self, ticket: Ticket, kind: str, clock: SlaClock, now: datetime,
              cause: int | None = None) -> None:
        _clock_event(ticket, kind, clock, now, cause)

    def record_sla(self, ticket: Ticket, now: datetime, current: bool, values: dict) -> None:
        ticket_services.record_sla(ticket, now=now, current=current, **values)


STORED = StoredClocks()
ClockBook = StoredClocks  # the interface a book offers (``imports.history.MemoryClocks`` too)


def _stop(ticket: Ticket, kind: str, now: datetime, cause: int | None = None, *,
          book: ClockBook = STORED) -> None:
    clock = book.active(ticket, kind)
    if clock is None:
        return
    # A clock stopped while paused was last counting when the pause began.
    counted_until = clock.paused_at or now
    clock.state = ClockState.MET if counted_until <= clock.due_at else ClockState.BREACHED
    clock.breached = clock.breached or clock.state == ClockState.BREACHED
    clock.stopped_at = counted_until
    book.save(clock, ["state", "breached", "stopped_at"])
    book.event(ticket, EventKind.CLOCK_STOPPED, clock, now, cause)


def _cancel(ticket: Ticket, kind: str, now: datetime, cause: int | None = None, *,
            book: ClockBook = STORED) -> None:
    clock = book.active(ticket, kind)
    if clock is None:
        return
    clock.state = ClockState.CANCELLED
    clock.stopped_at = clock.paused_at or now
    book.save(clock, ["state", "stopped_at"])
    book.event(ticket, EventKind.CLOCK_STOPPED, clock, now, cause)


def _pause(ticket: Ticket, kind: str, now: datetime, *, book: ClockBook = STORED) -> None:
    clock = book.active(ticket, kind)
    if clock is None or clock.state == ClockState.PAUSED:
        return
    clock.state = ClockState.PAUSED
    clock.paused_at = now
    book.save(clock, ["state", "paused_at"])
    book.event(ticket, EventKind.CLOCK_PAUSED, clock, now)


def _resume(ticket: Ticket, kind: str, now: datetime, *, book: ClockBook = STORED) -> None:
    clock = book.active(ticket, kind)
    if clock is None or clock.state != ClockState.PAUSED:
        return
    _continue(ticket, clock, clock.paused_at, now, EventKind.CLOCK_RESUMED, book)


def _reopen(ticket: Ticket, kind: str, now: datetime, *, book: ClockBook = STORED) -> None:
    """A reopened ticket's solution clock goes on; the closed interval counts as a pause."""
    clock = book.finished(ticket, kind)
    if clock is None or clock.stopped_at is None:
        return
    _continue(ticket, clock, clock.stopped_at, now, EventKind.CLOCK_RESUMED, book)


def _continue(ticket: Ticket, clock: SlaClock, since: datetime, now: datetime, kind: str,
              book: ClockBook = STORED) -> None:
    calendar = calendar_for(ticket.service)
    clock.paused_working += calendar.working_time_between(since, now)
    clock.state = ClockState.RUNNING
    clock.paused_at = None
    clock.stopped_at = None
    _schedule(clock, calendar)
    book.save(clock)
    book.event(ticket, kind, clock, now)


def _restore(ticket: Ticket, undone_event_id: int, now: datetime) -> None:
    """The clocks the undone closing stopped run (or wait) again with their due times as they
    were: a stopped clock keeps its pauses and due moment, so it resumes where it stood."""
    stopped = Event.objects.filter(ticket=ticket, kind=EventKind.CLOCK_STOPPED,
                                   data__cause=undone_event_id).values_list("data", flat=True)
    kinds = {data["clock"] for data in stopped}
    for clock in _locked().filter(ticket=ticket, kind__in=kinds).exclude(
            state__in=[ClockState.RUNNING, ClockState.PAUSED]):
        clock.state = ClockState.PAUSED if clock.paused_at else ClockState.RUNNING
        clock.stopped_at = None
        clock.save(update_fields=["state", "stopped_at"])
        _clock_event(ticket, EventKind.CLOCK_RESUMED, clock, now, undone_event_id)


def recompute(ticket: Ticket, now: datetime) -> None:
    """After a priority change: new targets, new due moments for every active clock."""
    calendar = calendar_for(ticket.service)
    targets = targets_for(ticket.service, ticket.priority)
    for clock in _locked().filter(ticket=ticket, state__in=[ClockState.RUNNING, ClockState.PAUSED]):
        clock.target = targets.of(clock.kind)
        _schedule(clock, calendar)
        clock.save(update_fields=["target", "due_at", "warn_at"])
        _clock_event(ticket, EventKind.CLOCK_RECOMPUTED, clock, now)


# --- events and the ticket's own columns -----------------------------------------------------


def clock_data(clock: SlaClock) -> dict:
    return {
        "clock": clock.kind,
        "state": clock.state,
        "target_minutes": int(clock.target.total_seconds() // 60),
        "started_at": clock.started_at.isoformat(),
        "due_at": clock.due_at.isoformat(),
        "paused_working_minutes": round(clock.paused_working.total_seconds() / 60, 2),
        "stopped_at": clock.stopped_at.isoformat() if clock.stopped_at else None,
    }


def _clock_event(ticket: Ticket, kind: str, clock: SlaClock, now: datetime,
                 cause: int | None = None) -> None:
    data = clock_data(clock)
    if cause is not None:
        data["cause"] = cause
    record(ticket, kind, Actor.system(), data=data, now=now)


def ticket_flag(clocks: list[SlaClock]) -> str:
    """Breached if any promise was broken, at risk if an active one passed 80%, else none."""
    if any(clock.breached or clock.state == ClockState.BREACHED for clock in clocks):
        return SlaFlag.BREACHED
    if any(clock.is_active and clock.warned_at for clock in clocks):
        return SlaFlag.AT_RISK
    return SlaFlag.NONE


def _ticket_values(clocks: dict[str, SlaClock]) -> dict:
    """The ticket's SLA columns as its clocks give them (review due, solution due, flag)."""
    review, solution = clocks.get(ClockKind.REVIEW), clocks.get(ClockKind.SOLUTION)
    return {
        "review_due_at": review.due_at if review else None,
        "due_at": solution.due_at if solution else None,
        "flag": ticket_flag(list(clocks.values())),
    }


def sync_ticket(ticket: Ticket, now: datetime, *, clocks: list[SlaClock] | None = None,
                current: bool = False, book: ClockBook | None = None) -> None:
    """Record the clocks' due dates and flag on the ticket.

    `clocks`: every clock of the ticket, when the caller has them in hand; `current`: the
    instance is this transaction's own locked, up-to-date row (see ``record_sla``).
    """
    book = book or STORED
    if clocks is None:
        clocks = book.all(ticket)
    values = _ticket_values({clock.kind: clock for clock in clocks})
    book.record_sla(ticket, now, current, values)
    # The caller's ticket object is this very instance: keep it current for its response.
    ticket.review_due_at, ticket.due_at, ticket.sla_flag = (
        values["review_due_at"],
        values["due_at"],
        values["flag"],
    )
