"""Every report figure recomputed the slow way: from tickets, their events and SLA clock rows,
without the reports app's facts or code (only the bucket ladder, which is a definition)."""

import itertools
from collections import Counter
from datetime import date, datetime, time, timedelta

from edudesk.reports import metrics as m
from edudesk.reports.models import Rating
from edudesk.sla.calendars import build_calendar
from edudesk.sla.models import SlaClock
from edudesk.tickets.models import Ticket

CLOSED = {"resolved", "cancelled"}


def _slices(ticket):
    """[(event, slice after it)] where a slice is a dict of the ticket's dimensions."""
    events = list(ticket.events.order_by("id"))
    created = next(e for e in events if e.kind == "created")
    first_move = next((e for e in events if e.kind == "assigned"), None)
    current = {
        "status": "registered",
        "group": (first_move.old["group"] if first_move else ticket.group_id) or 0,
        "agent": (first_move.old["assignee"] if first_move else ticket.assignee_id) or 0,
        "channel": created.new["channel"], "category": created.new["category"],
        "priority": created.new["priority"],
        "organisation": ticket.organisation_id or 0,
        "region": ticket.organisation.region if ticket.organisation_id else "",
    }
    out = []
    for event in events:
        if event.kind == "status_changed":
            current = {**current, "status": event.new["status"]}
        elif event.kind == "assigned":
            current = {**current, "group": event.new["group"] or 0, "agent": event.new["assignee"] or 0}
        elif event.kind == "category_changed":
            current = {**current, "category": event.new["category"]}
        elif event.kind == "priority_changed":
            current = {**current, "priority": event.new["priority"]}
        out.append((event, current))
    return out


def _value(slice_: dict, dim: str) -> str:
    raw = slice_[dim]
    return (str(raw) if raw else "") if dim in ("agent", "organisation") else raw


def _rows(service_id: int, day: date, slice_: dict, metric: str, bucket: int = 0, pairs=False):
    """Keys of every figure the slice counts in; with `pairs`, also ("a+b", "va|vb", …) for
    every two dimensions together (what a report filtered by two dimensions counts)."""
    tail = (service_id, metric, day, slice_["group"], bucket)
    yield ("", "", *tail)
    for dim in m.DIMENSIONS:
        yield (dim, _value(slice_, dim), *tail)
    if pairs:
        for a, b in itertools.combinations(m.DIMENSIONS, 2):
            yield (f"{a}+{b}", f"{_value(slice_, a)}|{_value(slice_, b)}", *tail)


def expected_figures(service, pairs: bool = False) -> Counter:
    """{(dim, value, service, metric, day, group, bucket): count} for every figure but the backlog."""
    calendar = build_calendar(service)

    def local(moment: datetime) -> date:
        return moment.astimezone(calendar.zone).date()

    out: Counter = Counter()

    def put(day, slice_, metric, bucket=0):
        for key in _rows(service.pk, day, slice_, metric, bucket, pairs):
            out[key] += 1

    for ticket in Ticket.objects.filter(service=service).select_related("organisation"):
        timeline = _slices(ticket)
        created_event, created_slice = timeline[0]
        put(local(created_event.created_at), created_slice, m.CREATED)
        previous_status_change = None
        needed_clarification = False
        last_stop: dict[str, tuple] = {}
        for event, slice_ in timeline:
            day = local(event.created_at)
            if event.kind == "status_changed":
                old, new = event.old["status"], event.new["status"]
                if new in ("resolved", "cancelled"):
                    put(day, slice_, new)
                if old in CLOSED and new not in CLOSED:
                    put(day, slice_, m.REOPENED)
                if new == "needs_clarification":
                    needed_clarification = True
                if old == "needs_clarification" and previous_status_change is not None:
                    waited = calendar.working_time_between(previous_status_change.created_at,
                                                           event.created_at)
                    put(day, slice_, m.CLARIFICATION_WAIT, m.bucket(m.working_minutes(waited)))
                previous_status_change = event
            elif event.kind in ("merged_into", "split_from", "consultation_converted"):
                put(day, slice_, {"merged_into": m.MERGED, "split_from": m.SPLIT,
                                  "consultation_converted": m.CONVERTED}[event.kind])
            elif event.kind == "message_added" and event.data.get("repeat"):
                put(day, slice_, m.REPEAT)
            elif event.kind == "sla_clock_stopped":
                last_stop[event.data["clock"]] = (day, slice_)
        if needed_clarification:
            put(local(created_event.created_at), created_slice, m.CLARIFIED)
        rating = Rating.objects.filter(ticket=ticket).first()
        if rating is not None:
            put(local(rating.rated_at), _slice_at(timeline, rating.rated_at), m.RATING, rating.score)
        for clock in SlaClock.objects.filter(ticket=ticket, state__in=m.OUTCOMES):
            used = calendar.working_time_between(clock.started_at, clock.stopped_at) - clock.paused_working
            day, slice_ = last_stop[clock.kind]
            put(day, slice_, m.sla_metric(clock.kind, clock.state), m.bucket(m.working_minutes(used)))
    return out


def _slice_at(timeline, moment: datetime) -> dict:
    """The ticket's slice after its last event at or before `moment`."""
    return [slice_ for event, slice_ in timeline if event.created_at <= moment][-1]


class History:
    """Every ticket of a service with its timeline, read once."""

    def __init__(self, service) -> None:
        self.service = service
        self.calendar = build_calendar(service)
        self.tickets = [(ticket, _slices(ticket)) for ticket in
                        Ticket.objects.filter(service=service).select_related("organisation")]
        self.clocks = {(c.ticket_id, c.kind): c for c in
                       SlaClock.objects.filter(ticket__service=service, state__in=m.OUTCOMES)}


def open_at_end_of(history: History, day: date, pairs: bool = False) -> Counter:
    """{(dim, value, group): open tickets} at the end of `day` (local), counted one by one."""
    service = history.service
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=history.calendar.zone)
    out: Counter = Counter()
    for _ticket, timeline in history.tickets:
        state = None
        for event, slice_ in timeline:
            if event.created_at >= end:
                break
            state = slice_
        if state is None or state["status"] in CLOSED:
            continue
        for key in _rows(service.pk, day, state, m.BACKLOG, pairs=pairs):
            out[(key[0], key[1], key[5])] += 1
    return out


def sla_outcomes(history: History, clock: str, first: date, last: date,
                 **slice_filter) -> list[tuple[str, int]]:
    """[(met|breached, working minutes)] of the clocks of `clock` that stopped in the period."""
    calendar = history.calendar
    out = []
    for ticket, timeline in history.tickets:
        stops = [(e, s) for e, s in timeline if e.kind == "sla_clock_stopped"
                 and e.data["clock"] == clock]
        sla = history.clocks.get((ticket.pk, clock))
        if sla is None or not stops:
            continue
        event, slice_ = stops[-1]
        if not first <= event.created_at.astimezone(calendar.zone).date() <= last:
            continue
        if any(slice_[k] != v for k, v in slice_filter.items()):
            continue
        used = calendar.working_time_between(sla.started_at, sla.stopped_at) - sla.paused_working
        out.append((sla.state, m.working_minutes(used)))
    return out


def nearest_rank_exact(values: list[int], share: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = -(-int(share * 1000) * len(ordered) // 1000)  # ceil(share * n) without floats
    return ordered[max(1, rank) - 1]


def rating_scores(history: History, first: date, last: date) -> list[int]:
    """The current scores of the ratings first given between `first` and `last` (local days)."""
    zone = history.calendar.zone
    return [rating.score for rating in
            Rating.objects.filter(ticket__service=history.service)
            if first <= rating.rated_at.astimezone(zone).date() <= last]
