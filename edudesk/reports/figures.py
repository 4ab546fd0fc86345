"""Reading the daily figures: one report over a period, grouped by day, week or month.

Every number comes from `DailyFigure` rows summed in the database per period (a 12-month
report reads a few thousand grouped rows whatever the number of tickets). Unfolded facts
are folded first, so a report always includes the latest changes.

A figure keeps one dimension at a time. A report filtered by two or more (say a category and
a priority) reads the facts instead: each fact carries all dimensions of its ticket at the
time, and the figures are exactly the sums of the facts, so the answer is exact; the query is
bounded by the services, the dates and the index on (metric, day, service).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncMonth, TruncWeek

from edudesk.reports import metrics as m
from edudesk.reports.folding import fold
from edudesk.reports.models import DailyFigure, Fact

GROUPINGS = ("day", "week", "month")


# Report dimension -> its column on a fact.
FACT_COLUMNS = {"agent": "agent_id", "channel": "channel", "category": "category",
                "priority": "priority", "region": "region", "organisation": "organisation_id"}


def fact_filter(dim: str, value: str) -> dict:
    """The fact lookup for one dimension value ("" for none: no agent, no organisation)."""
    if dim in ("agent", "organisation"):
        return {FACT_COLUMNS[dim]: int(value or 0)}
    return {FACT_COLUMNS[dim]: value}


@dataclass(frozen=True)
class Scope:
    """Which slice of the figures: services, optionally a line, optionally dimensions (the
    first in `dim`/`value`, any further ones in `more`)."""

    service_ids: tuple[int, ...]
    group_id: int | None = None
    dim: str = ""
    value: str = ""
    more: tuple[tuple[str, str], ...] = ()

    @property
    def dimensions(self) -> tuple[tuple[str, str], ...]:
        return (((self.dim, self.value),) if self.dim else ()) + self.more

    def filter(self, queryset):
        queryset = queryset.filter(dim=self.dim, value=self.value, service_id__in=self.service_ids)
        if self.group_id is not None:
            queryset = queryset.filter(group_id=self.group_id)
        return queryset

    def rows(self):
        """What the slice's numbers are summed from: its daily figures, or, for more than one
        dimension, its facts (the same day, metric, bucket and count columns)."""
        if not self.more:
            return self.filter(DailyFigure.objects.all())
        facts = Fact.objects.filter(service_id__in=self.service_ids)
        if self.group_id is not None:
            facts = facts.filter(group_id=self.group_id)
        for dim, value in self.dimensions:
            facts = facts.filter(**fact_filter(dim, value))
        return facts


@dataclass
class Duration:
    """Counts and the working-minute histogram of one kind of duration."""

    histogram: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.histogram.values())

    @property
    def median(self) -> int | None:
        return m.nearest_rank(self.histogram, 0.5)

    @property
    def p90(self) -> int | None:
        return m.nearest_rank(self.histogram, 0.9)

    def merge(self, other: Duration) -> None:
        for bucket, count in other.histogram.items():
            self.histogram[bucket] = self.histogram.get(bucket, 0) + count


@dataclass
class SlaFigures:
    met: Duration = field(default_factory=Duration)
    breached: Duration = field(default_factory=Duration)

    @property
    def total(self) -> int:
        return self.met.count + self.breached.count

    @property
    def share_met(self) -> float | None:
        return self.met.count / self.total if self.total else None

    @property
    def all(self) -> Duration:
        combined = Duration(dict(self.met.histogram))
        combined.merge(self.breached)
        return combined


@dataclass
class Satisfaction:
    """The customers' ratings: a {score: count} histogram."""

    histogram: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.histogram.values())

    @property
    def average(self) -> float | None:
        total = sum(score * n for score, n in self.histogram.items())
        return total / self.count if self.count else None

    @property
    def good(self) -> int:
        return sum(n for score, n in self.histogram.items() if score >= m.GOOD_SCORE)

    @property
    def share_good(self) -> float | None:
        return self.good / self.count if self.count else None

    @property
    def low(self) -> int:
        return sum(n for score, n in self.histogram.items() if score <= m.LOW_SCORE)

    def merge(self, other: Satisfaction) -> None:
        for score, count in other.histogram.items():
            self.histogram[score] = self.histogram.get(score, 0) + count


@dataclass
class Period:
    start: date
    end: date  # inclusive
    counts: dict[str, int] = field(default_factory=dict)
    backlog: int = 0  # open tickets at the end of the period
    sla: dict[str, SlaFigures] = field(default_factory=lambda: {c: SlaFigures() for c in m.CLOCKS})
    clarification_wait: Duration = field(default_factory=Duration)
    satisfaction: Satisfaction = field(default_factory=Satisfaction)

    def count(self, metric: str) -> int:
        return self.counts.get(metric, 0)

    @property
    def clarification_rate(self) -> float | None:
        created = self.count(m.CREATED)
        return self.count(m.CLARIFIED) / created if created else None

    @property
    def reopen_rate(self) -> float | None:
        closed = self.count(m.RESOLVED) + self.count(m.CANCELLED)
        return self.count(m.REOPENED) / closed if closed else None


def period_start(day: date, grouping: str) -> date:
    if grouping == "week":
        return day - timedelta(days=day.weekday())
    if grouping == "month":
        return day.replace(day=1)
    return day


def period_end(start: date, grouping: str) -> date:
    if grouping == "week":
        return start + timedelta(days=6)
    if grouping == "month":
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return start


def periods(start: date, end: date, grouping: str) -> list[Period]:
    out, cursor = [], period_start(start, grouping)
    while cursor <= end:
        last = period_end(cursor, grouping)
        out.append(Period(start=max(cursor, start), end=min(last, end)))
        cursor = last + timedelta(days=1)
    return out


def report(scope: Scope, start: date, end: date, grouping: str = "day") -> list[Period]:
    """The figures of each period between `start` and `end` (inclusive)."""
    if grouping not in GROUPINGS:
        raise ValueError(f"unknown grouping {grouping!r}")
    fold()
    result = periods(start, end, grouping)
    by_start = {period_start(p.start, grouping): p for p in result}
    rows = scope.rows().filter(day__gte=start, day__lte=end)
    if grouping != "day":
        trunc = TruncWeek if grouping == "week" else TruncMonth
        rows = rows.annotate(period=trunc("day"))
    else:
        rows = rows.annotate(period=_day())
    rows = rows.values("period", "metric", "bucket").annotate(n=Sum("count")).order_by()
    backlog_changes: dict[date, int] = defaultdict(int)
    for row in rows:
        when = row["period"]
        when = when.date() if hasattr(when, "date") and callable(when.date) else when
        period = by_start[period_start(when, grouping)]
        _add(period, row["metric"], row["bucket"], row["n"])
        if row["metric"] == m.BACKLOG:
            backlog_changes[period.start] += row["n"]
    running = backlog_before(scope, start)
    for period in result:
        running += backlog_changes.get(period.start, 0)
        period.backlog = running
    return result


def _day():
    from django.db.models import F

    return F("day")


def _add(period: Period, metric: str, bucket: int, count: int) -> None:
    if metric in m.SLA_METRICS:
        clock, outcome = metric.removeprefix("sla_").rsplit("_", 1)
        target = getattr(period.sla[clock], outcome)
        target.histogram[bucket] = target.histogram.get(bucket, 0) + count
    elif metric == m.CLARIFICATION_WAIT:
        histogram = period.clarification_wait.histogram
        histogram[bucket] = histogram.get(bucket, 0) + count
    elif metric == m.RATING:
        histogram = period.satisfaction.histogram
        histogram[bucket] = histogram.get(bucket, 0) + count
    else:
        period.counts[metric] = period.counts.get(metric, 0) + count


def backlog_before(scope: Scope, day: date) -> int:
    rows = scope.rows().filter(metric=m.BACKLOG, day__lt=day)
    return rows.aggregate(n=Sum("count"))["n"] or 0


def total(periods_: list[Period]) -> Period:
    """The whole range as one period (the backlog is the last period's)."""
    whole = Period(start=periods_[0].start, end=periods_[-1].end)
    for period in periods_:
        for metric, count in period.counts.items():
            whole.counts[metric] = whole.counts.get(metric, 0) + count
        for clock in m.CLOCKS:
            whole.sla[clock].met.merge(period.sla[clock].met)
            whole.sla[clock].breached.merge(period.sla[clock].breached)
        whole.clarification_wait.merge(period.clarification_wait)
        whole.satisfaction.merge(period.satisfaction)
    whole.backlog = periods_[-1].backlog
    return whole


# What the breakdown table shows: volumes, the review promise, clarifications.
BREAKDOWN_METRICS = (m.CREATED, m.CLARIFIED, m.CLARIFICATION_WAIT, m.sla_metric("review", "met"),
                     m.sla_metric("review", "breached"))


def breakdown(scope: Scope, dim: str, start: date, end: date) -> dict[str, Period]:
    """The whole period's figures per value of one dimension (within the scope's services
    and line; a figure keeps one dimension at a time, so the scope's own one is not applied)."""
    fold()
    base = Scope(service_ids=scope.service_ids, group_id=scope.group_id)
    rows = DailyFigure.objects.filter(dim=dim, service_id__in=base.service_ids,
                                      day__gte=start, day__lte=end, metric__in=BREAKDOWN_METRICS)
    if base.group_id is not None:
        rows = rows.filter(group_id=base.group_id)
    out: dict[str, Period] = {}
    for row in rows.values("value", "metric", "bucket").annotate(n=Sum("count")).order_by():
        period = out.setdefault(row["value"], Period(start=start, end=end))
        _add(period, row["metric"], row["bucket"], row["n"])
    return out
