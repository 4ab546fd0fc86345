"""The supervisors' live board: the state of every served service and line right now.

Open tickets by status, unassigned, SLA clocks at risk and late per target, who support and
who the customer is waiting for, the oldest wait, today's created and resolved, and each
agent's open and at-risk tickets. Counts come from indexed filters on open tickets and
running clocks (grouped in the database), today's flows from the daily figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, Q

from edudesk.accounts.models import SupportGroup, User
from edudesk.reports import metrics as m
from edudesk.reports.folding import fold
from edudesk.reports.models import DailyFigure
from edudesk.sla.models import ClockKind, ClockState, SlaClock
from edudesk.tickets.models import SlaFlag, Ticket
from edudesk.tickets.status import CUSTOMER_MUST_ACT, OPEN_STATUSES, WITH_SUPPORT, Status

_OPEN = sorted(OPEN_STATUSES)


@dataclass
class LineBoard:
    service: object
    group_id: int
    name: str
    by_status: dict[str, int] = field(default_factory=dict)
    unassigned: int = 0
    at_risk: dict[str, int] = field(default_factory=dict)
    late: dict[str, int] = field(default_factory=dict)
    oldest_waiting: datetime | None = None
    created_today: int = 0
    resolved_today: int = 0

    @property
    def open(self) -> int:
        return sum(self.by_status.values())

    @property
    def waiting_for_customer(self) -> int:
        return sum(self.by_status.get(s, 0) for s in CUSTOMER_MUST_ACT)

    @property
    def waiting_for_support(self) -> int:
        return sum(self.by_status.get(s, 0) for s in WITH_SUPPORT)

    def statuses(self) -> list[tuple[Status, int]]:
        return [(status, self.by_status.get(status, 0)) for status in Status
                if status in OPEN_STATUSES]

    def clocks(self) -> list[tuple[ClockKind, int, int]]:
        return [(kind, self.at_risk.get(kind, 0), self.late.get(kind, 0)) for kind in ClockKind]


@dataclass
class AgentLoad:
    agent: User
    open: int
    at_risk: int


@dataclass
class Board:
    lines: list[LineBoard]
    agents: list[AgentLoad]
    now: datetime


def build(services, now: datetime, today) -> Board:
    """The board of `services` at `now`; `today` is the local date today's flows are for."""
    service_ids = [s.pk for s in services]
    lines: dict[tuple[int, int], LineBoard] = {}
    names: dict[int, str] = {}
    by_id = {s.pk: s for s in services}

    def line(service_id: int, group_id: int | None) -> LineBoard:
        key = (service_id, group_id or 0)
        if key not in lines:
            lines[key] = LineBoard(by_id[service_id], key[1], names.get(key[1], ""))
        return lines[key]

    for group in SupportGroup.objects.filter(service_id__in=service_ids).order_by("name"):
        names[group.pk] = group.name
        line(group.service_id, group.pk)
    loads = _open_tickets(service_ids, line)
    _clocks(service_ids, now, line)
    _today(service_ids, today, line)
    return Board(lines=sorted(lines.values(), key=lambda b: (b.service.name, b.name)),
                 agents=_agents(loads), now=now)


def _open_tickets(service_ids, line) -> dict[int, list[int]]:
    """Each line's open tickets by status, unassigned and the oldest waiting for support, and
    each agent's [open, at risk]: one pass over the open tickets, grouped in the database."""
    loads: dict[int, list[int]] = {}
    rows = (Ticket.objects.filter(service_id__in=service_ids, status__in=_OPEN)
            .values_list("service_id", "group_id", "status", "assignee_id")
            .annotate(n=Count("id"), oldest=Min("updated_at"),
                      risky=Count("id", filter=Q(sla_flag__in=[SlaFlag.AT_RISK, SlaFlag.BREACHED])))
            .order_by())
    for service_id, group_id, status, assignee_id, n, oldest, risky in rows:
        board = line(service_id, group_id)
        board.by_status[status] = board.by_status.get(status, 0) + n
        if assignee_id is None:
            board.unassigned += n
        else:
            load = loads.setdefault(assignee_id, [0, 0])
            load[0] += n
            load[1] += risky
        if status in WITH_SUPPORT and (board.oldest_waiting is None or oldest < board.oldest_waiting):
            board.oldest_waiting = oldest
    return loads


def _clocks(service_ids, now, line) -> None:
    # Clocks run on open tickets only: saying so lets the join use the open tickets' index.
    running = SlaClock.objects.filter(ticket__service_id__in=service_ids, ticket__status__in=_OPEN,
                                      state=ClockState.RUNNING)
    for row in (running.filter(warn_at__lte=now)
                .values("ticket__service_id", "ticket__group_id", "kind")
                .annotate(late=Count("id", filter=Q(due_at__lte=now)),
                          at_risk=Count("id", filter=Q(due_at__gt=now)))
                .order_by()):
        board = line(row["ticket__service_id"], row["ticket__group_id"])
        board.late[row["kind"]] = row["late"]
        board.at_risk[row["kind"]] = row["at_risk"]


def _today(service_ids, today, line) -> None:
    fold()
    for row in (DailyFigure.objects.filter(dim="", value="", service_id__in=service_ids, day=today,
                                           metric__in=[m.CREATED, m.RESOLVED])
                .values("service_id", "group_id", "metric", "count")):
        board = line(row["service_id"], row["group_id"])
        if row["metric"] == m.CREATED:
            board.created_today += row["count"]
        else:
            board.resolved_today += row["count"]


def _agents(loads: dict[int, list[int]]) -> list[AgentLoad]:
    users = User.objects.in_bulk(list(loads))
    result = [AgentLoad(users[pk], n, risky) for pk, (n, risky) in loads.items() if pk in users]
    return sorted(result, key=lambda a: (-a.at_risk, -a.open, str(a.agent)))

