"""Rebuild every fact and figure from the ticket events (after a change of definitions, or
to check the live path): each ticket's state is replayed from its own events."""

from collections.abc import Callable, Iterator
from dataclasses import replace

from django.db import transaction

from edudesk.accounts.models import Organisation, Service
from edudesk.reports import metrics as m
from edudesk.reports.facts import COUNTED, TicketState, facts_for, make_fact
from edudesk.reports.folding import fold
from edudesk.reports.models import DailyFigure, Fact, PeriodFigure, Rating
from edudesk.sla.calendars import calendar_for
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.status import Status

CHUNK = 500


class ReplayedHistory:
    """One ticket's past, kept in memory while its events are replayed in order."""

    def __init__(self) -> None:
        self.written: list[Fact] = []
        self.entered_waiting = None

    def facts(self, ticket_id: int, prefix: str) -> list[Fact]:
        return [f for f in self.written if f.metric.startswith(prefix)]

    def waiting_since(self, event):
        return self.entered_waiting

    def add(self, facts: list[Fact]) -> None:
        self.written.extend(facts)


def replay(ticket: Ticket, events: list[Event], service: Service, region: str,
           rating: Rating | None = None) -> list[Fact]:
    """The facts of one ticket, from its events in order; its rating in the slice the
    ticket had when the rating was first given."""
    history = ReplayedHistory()
    state = _initial_state(ticket, events, region)
    for event in events:
        if rating is not None and event.created_at > rating.rated_at:
            history.add([_rating_fact(ticket, service, state, rating)])
            rating = None
        state = _apply(state, event)
        if event.kind in COUNTED:
            history.add(facts_for(event, state, service, history))
        if event.kind == EventKind.STATUS_CHANGED:
            entered = event.new["status"] == Status.NEEDS_CLARIFICATION
            history.entered_waiting = event.created_at if entered else None
    if rating is not None:
        history.add([_rating_fact(ticket, service, state, rating)])
    return history.written


def _rating_fact(ticket: Ticket, service: Service, state: TicketState, rating: Rating) -> Fact:
    day = rating.rated_at.astimezone(calendar_for(service).zone).date()
    return make_fact(ticket.pk, day, state, m.RATING, bucket=rating.score)


def _initial_state(ticket: Ticket, events: list[Event], region: str) -> TicketState:
    created = next((e.new or {} for e in events if e.kind == EventKind.CREATED), {})
    first_move = next((e.old or {} for e in events if e.kind == EventKind.ASSIGNED), None)
    group = first_move["group"] if first_move else ticket.group_id
    agent = first_move["assignee"] if first_move else ticket.assignee_id
    return TicketState(
        status=created.get("status", Status.REGISTERED), service_id=ticket.service_id,
        group_id=group or 0, agent_id=agent or 0,
        channel=created.get("channel", ticket.channel),
        category=created.get("category", ticket.category),
        priority=created.get("priority", ticket.priority),
        organisation_id=ticket.organisation_id or 0, region=region,
    )


def _apply(state: TicketState, event: Event) -> TicketState:
    new = event.new or {}
    if event.kind == EventKind.STATUS_CHANGED:
        return _with(state, status=new["status"])
    if event.kind == EventKind.ASSIGNED:
        return _with(state, group_id=new.get("group") or 0, agent_id=new.get("assignee") or 0)
    if event.kind == EventKind.CATEGORY_CHANGED:
        return _with(state, category=new.get("category") or "")
    if event.kind == EventKind.PRIORITY_CHANGED:
        return _with(state, priority=new.get("priority") or "")
    return state


def _with(state: TicketState, **changes) -> TicketState:
    return replace(state, **changes)


def _tickets_with_events(ticket_ids: list[int]) -> Iterator[tuple[Ticket, list[Event], Rating | None]]:
    tickets = Ticket.objects.in_bulk(ticket_ids)
    ratings = {r.ticket_id: r for r in Rating.objects.filter(ticket_id__in=ticket_ids)}
    events: dict[int, list[Event]] = {}
    for event in Event.objects.filter(ticket_id__in=ticket_ids, kind__in=sorted(COUNTED)).order_by("id"):
        events.setdefault(event.ticket_id, []).append(event)
    for ticket_id in ticket_ids:
        yield tickets[ticket_id], events.get(ticket_id, []), ratings.get(ticket_id)


def rebuild(progress: Callable[[int], None] = lambda n: None) -> int:
    """Drop every fact, figure and roll-up and recompute them from the events; returns the
    tickets."""
    services = Service.objects.in_bulk()
    regions = dict(Organisation.objects.values_list("id", "region"))
    ids = list(Ticket.objects.order_by("id").values_list("id", flat=True))
    with transaction.atomic():
        Fact.objects.all().delete()
        DailyFigure.objects.all().delete()
        PeriodFigure.objects.all().delete()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            facts: list[Fact] = []
            for ticket, events, rating in _tickets_with_events(chunk):
                facts.extend(replay(ticket, events, services[ticket.service_id],
                                    regions.get(ticket.organisation_id, ""), rating))
            Fact.objects.bulk_create(facts, batch_size=2000)
            progress(len(chunk))
        fold()
    return len(ids)
