"""One imported ticket's past, replayed in memory with the domain's own rules.

The live path writes a ticket change, its event, and (in the same transaction) the SLA clocks'
reaction and the reports' facts, row by row. For years of history that is a few dozen
statements per ticket; here the same rules run against objects in memory and the caller
writes the rows of a whole chunk in bulk:

* the ticket's columns change as ``tickets.services`` changes them (``set_status``,
  ``sla_change``), and every change is an event built as ``events.record`` builds it, with the
  original moment, in the order the live path writes them;
* the SLA clocks react through ``sla.clocks.on_ticket_event`` itself, with a book that keeps
  them in memory (``MemoryClocks``), on the service's business calendar;
* the escalation sweep's warnings and breaches are announced at the moment they fell due
  while a clock was running (as a sweep running every instant would have), so the flag is
  right and the live sweep finds nothing of the past left to announce;
* an answer left without reply is closed when the auto-close job would have closed it;
* the reports' facts come from the events by ``reports.rebuild.replay``, the function the
  rebuild uses, which gives what the live subscriber gives.

Nothing here queues work for after the commit (no outbox entry): imported history sends no
mail, no notification and no webhook, and proposes no mass incident.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from edudesk.accounts.models import Contact, Organisation
from edudesk.imports.format import Step, TicketRecord
from edudesk.reports.models import Fact
from edudesk.reports.rebuild import replay as report_facts
from edudesk.sla import clocks as sla_clocks
from edudesk.sla.autoclose import closes_at
from edudesk.sla.calendars import calendar_for
from edudesk.sla.models import ClockState, SlaClock
from edudesk.tickets import events
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Message, Ticket
from edudesk.tickets.services import prepare_new, set_status, sla_change
from edudesk.tickets.status import ActorKind, Status
from edudesk.tickets.types import Actor

_WORKING = (ClockState.RUNNING, ClockState.PAUSED)


@dataclass
class Rows:
    """What one ticket's import writes, ids already assigned (``Ids``)."""

    ticket: Ticket
    messages: list[Message] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    clocks: list[SlaClock] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


@dataclass
class Ids:
    """Ids reserved for this chunk's rows (``imports.ids.reserve``), handed out in order."""

    ticket: Iterator[int]
    message: Iterator[int]
    event: Iterator[int]


class MemoryClocks(sla_clocks.StoredClocks):
    """The book ``sla.clocks`` keeps a ticket's clocks in, here in memory."""

    def __init__(self, replay: Replay):
        self.replay = replay
        self.clocks: dict[str, SlaClock] = {}

    def start(self, ticket, clocks, now):
        self.clocks = {clock.kind: clock for clock in clocks}
        for clock in clocks:
            self.replay.add(EventKind.CLOCK_STARTED, Actor.system(), now,
                            data=sla_clocks.clock_data(clock))
        return clocks

    def active(self, ticket, kind):
        clock = self.clocks.get(kind)
        return clock if clock is not None and clock.state in _WORKING else None

    def finished(self, ticket, kind):
        clock = self.clocks.get(kind)
        return clock if clock is not None and clock.state not in _WORKING else None

    def all(self, ticket):
        return list(self.clocks.values())

    def save(self, clock, fields=None):
        pass  # written with the chunk

    def event(self, ticket, kind, clock, now, cause=None):
        data = sla_clocks.clock_data(clock)
        if cause is not None:
            data["cause"] = cause
        self.replay.add(kind, Actor.system(), now, data=data)

    def record_sla(self, ticket, now, current, values):
        change = sla_change(ticket, **values)
        if change is not None:
            kind, old, new = change
            self.replay.add(kind, Actor.system(), now, old=old, new=new)


class Replay:
    """Builds the rows of one ticket from its record."""

    def __init__(self, record: TicketRecord, *, number: str, requester: Contact,
                 organisation: Organisation | None, ids: Ids, now: datetime):
        self.record, self.ids, self.now = record, ids, now
        self.requester = requester
        created = record.created_at
        self.ticket = Ticket(
            pk=next(ids.ticket), number=number, service=record.service, organisation=organisation,
            requester=requester, subject=record.subject[:300] or _("Без темы"),
            category=record.category, priority=record.priority,
            status=Status.REGISTERED, channel=record.channel, group=record.group,
            assignee=record.assignee, fields=record.fields, created_at=created, updated_at=created,
        )
        self.rows = Rows(ticket=self.ticket)
        self.book = MemoryClocks(self)

    # --- the rows -------------------------------------------------------------------------

    def add(self, kind: str, actor: Actor, now: datetime, *, old=None, new=None, data=None) -> Event:
        event = events.build(self.ticket, kind, actor, old=old, new=new, data=data, now=now)
        event.pk = next(self.ids.event)
        self.rows.events.append(event)
        return event

    def _message(self, *, kind: str, body: str, at: datetime, channel: str, agent=None,
                 opens: Ticket | None = None) -> Message:
        message = Message(pk=next(self.ids.message), ticket=self.ticket, kind=kind, body=body,
                          author_user=agent, channel=channel, created_at=at, opens=opens,
                          author_contact=self.requester if agent is None else None)
        self.rows.messages.append(message)
        return message

    def _change(self, make) -> None:
        """One change: its own events, then the clocks' reaction to each (``services._settle``)."""
        done = len(self.rows.events)
        make()
        while done < len(self.rows.events):
            sla_clocks.on_ticket_event(self.rows.events[done], book=self.book)
            done += 1

    # --- the history ----------------------------------------------------------------------

    def run(self) -> Rows:
        record, ticket = self.record, self.ticket
        self._change(self._open)
        for step in record.steps:
            # A change at the very moment a clock falls due comes first (a clock stopped at its
            # due moment is met, ``sla.clocks._stop``).
            self._announce_until(step.at, before=True)
            self._change(lambda step=step: self._step(step))
            ticket.updated_at = step.at
        self._close_if_silent()
        self._announce_until(self.now)
        self.rows.clocks = list(self.book.clocks.values())
        region = ticket.organisation.region if ticket.organisation else ""
        self.rows.facts = report_facts(ticket, self.rows.events, record.service, region)
        return self.rows

    def _open(self) -> None:
        record, ticket = self.record, self.ticket
        prepare_new(ticket, record.created_at)
        first = self._message(kind=Message.Kind.PUBLIC, body=record.description,
                              at=record.created_at, channel=record.channel, opens=ticket)
        self.add(EventKind.CREATED, Actor.customer(self.requester), record.created_at,
                 new={"status": ticket.status, "priority": ticket.priority,
                      "category": ticket.category, "channel": ticket.channel},
                 data={"message_id": first.pk, "imported": record.reference})

    def _step(self, step: Step) -> None:
        actor = self._actor(step)
        if step.is_message:
            message = self._message(kind=step.kind, body=step.body, at=step.at, channel=step.channel,
                                    agent=step.agent if step.actor == ActorKind.AGENT else None)
            self.add(EventKind.MESSAGE_ADDED, actor, step.at,
                     data={"message_id": message.pk, "kind": step.kind, "attachments": []})
            return
        old = self.ticket.status
        set_status(self.ticket, Status(step.status), step.actor, step.at)
        given = {k: v for k, v in (("reason", step.reason), ("comment", step.comment)) if v}
        self.add(EventKind.STATUS_CHANGED, actor, step.at, old={"status": old},
                 new={"status": step.status}, data=given or None)

    def _actor(self, step: Step) -> Actor:
        if step.actor == ActorKind.CUSTOMER:
            return Actor.customer(self.requester)
        if step.actor == ActorKind.AGENT:
            return Actor(ActorKind.AGENT, user=step.agent)
        return Actor.system()

    def _close_if_silent(self) -> None:
        """An answer the customer never replied to is closed as the auto-close job
        (``sla.autoclose``) would have closed it by now, so the job does not close (and mail
        about) imported history right after the import. Only after the last recorded step: before
        it, the previous system's record says what happened."""
        ticket, days = self.ticket, self.record.auto_close_working_days
        if ticket.status != Status.ANSWERED or not days:
            return
        moment = closes_at(calendar_for(ticket.service), ticket.answered_at, days)
        if moment > self.now:
            return
        self._announce_until(moment, before=True)

        def close():
            set_status(ticket, Status.RESOLVED, ActorKind.SYSTEM, moment)
            self.add(EventKind.STATUS_CHANGED, Actor.system(), moment, old={"status": Status.ANSWERED},
                     new={"status": Status.RESOLVED}, data={"reason": "no_customer_reply"})
        self._change(close)
        ticket.updated_at = moment

    def _announce_until(self, until: datetime, *, before: bool = False) -> None:
        """The escalation sweep (``sla.escalation.sweep``) at every moment a running clock
        reached 80% of its target or its due time, up to `until`: the warning or the breach is
        recorded then, with the flag it gives the ticket."""
        while True:
            due = [(moment, clock) for clock in self.book.clocks.values()
                   if clock.state == ClockState.RUNNING
                   for moment in _unannounced(clock) if moment < until or (moment == until and not before)]
            if not due:
                return
            moment, clock = min(due, key=lambda item: (item[0], item[1].kind))
            if clock.escalated_at is None and clock.due_at <= moment:
                clock.escalated_at, clock.breached = moment, True
                clock.warned_at = clock.warned_at or moment
                kind = EventKind.SLA_BREACHED
            else:
                clock.warned_at = moment
                kind = EventKind.SLA_WARNING
            self.add(kind, Actor.system(), moment, data=sla_clocks.clock_data(clock))
            sla_clocks.sync_ticket(self.ticket, moment, book=self.book)


def _unannounced(clock: SlaClock) -> list[datetime]:
    moments = []
    if clock.warned_at is None:
        moments.append(clock.warn_at)
    if clock.escalated_at is None:
        moments.append(clock.due_at)
    return moments
