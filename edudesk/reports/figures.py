"""Reading the figures: one report over a period, grouped by day, week or month.

Every number comes from figure rows summed in the database per period: whole weeks and months
inside the range from their roll-ups (`PeriodFigure`), the days at its edges from the daily
figures (`DailyFigure`), in one query (`summed`), so a 12-month report reads about a year's
twelve monthly rows per figure key whatever the number of tickets. Unfolded facts are folded
first, so a report always includes the latest changes.

A figure keeps one dimension at a time. A report filtered by two or more (say a category and
a priority) reads the facts instead: each fact carries all dimensions of its ticket at the
time, and the figures are exactly the sums of the facts, so the answer is exact; the query is
bounded by the services, the dates and the index on (metric, day, service).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Q, Sum
from django.db.models.functions import Cast

from edudesk.reports import metrics as m
from edudesk.reports.folding import fold
from edudesk.reports.models import DailyFigure, Fact, PeriodFigure
from edudesk.reports.periods import GROUPINGS, period_end, period_start, split

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
    # Every value of `dim` (a breakdown by it) rather than `value` alone.
    by_value: bool = False

    @property
    def dimensions(self) -> tuple[tuple[str, str], ...]:
        return (((self.dim, self.value),) if self.dim else ()) + self.more

    def filter(self, queryset):
        queryset = queryset.filter(dim=self.dim, service_id__in=self.service_ids)
        if not self.by_value:
            queryset = queryset.filter(value=self.value)
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

    def rollups(self):
        """The slice's weekly and monthly roll-ups (none for more than one dimension)."""
        if self.more:
            return PeriodFigure.objects.none()
        return self.filter(PeriodFigure.objects.all())


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
    # Each day of the range (a date, or its ISO text as SQLite gives it) -> its period and
    # the period's histograms by metric (tens of thousands of rows are added up below).
    of_day: dict[date | str, tuple[Period, dict[str, dict[int, int]]]] = {}
    for period in result:
        slots = (period, {metric: histogram(period) for metric, histogram in _HISTOGRAMS.items()})
        day = period.start
        while day <= period.end:
            of_day[day] = of_day[day.isoformat()] = slots
            day += timedelta(days=1)
    backlog_changes: dict[date, int] = defaultdict(int)
    # Whole periods of the grouping from their roll-ups; by month, the whole weeks inside each
    # month's edge days too (cut at the month's end, so no week counts in two months).
    grains = {"day": (), "week": ("week",), "month": ("month", "week")}[grouping]
    for day, metric, bucket, n in summed(scope, start, end, grains, by_day=True, within=grouping):
        period, histograms = of_day[day]
        histogram = histograms.get(metric)
        if histogram is not None:
            histogram[bucket] = histogram.get(bucket, 0) + n
            continue
        period.counts[metric] = period.counts.get(metric, 0) + n
        if metric == m.BACKLOG:
            backlog_changes[period.start] += n
    running = backlog_before(scope, start)
    for period in result:
        running += backlog_changes.get(period.start, 0)
        period.backlog = running
    return result


def summed(scope: Scope, start: date, end: date, grains: tuple[str, ...], *, by_day: bool = False,
           within: str = "", fields: tuple[str, ...] = ("metric", "bucket"), metrics=None) -> list[tuple]:
    """`count` summed per (day, *fields) with `by_day` (a whole period's row carries its first
    day), else per `fields`, over the days `start`..`end` of the scope: whole periods of
    `grains` (coarsest first) from their roll-ups, the days left at the edges from the daily
    figures, in one query. With `within` (a grouping), no period read spans two of its
    periods. A scope of several dimensions reads its facts (no roll-ups).

    A report folds ten thousand and more of these rows, so they come as the database driver
    gives them, without Django's per-row conversions: the sums as integers, the days as dates
    on PostgreSQL and as ISO text on SQLite."""
    daily, rollups = scope.rows(), scope.rollups()
    if metrics is not None:
        daily, rollups = daily.filter(metric__in=metrics), rollups.filter(metric__in=metrics)
    whole, days = Q(), Q()
    for grain, first, last in _parts(start, end, grains if not scope.more else (), within):
        if grain == "day":
            days |= Q(day__gte=first, day__lte=last)
        else:
            whole |= Q(grain=grain, start__gte=first, start__lte=last)
    queries = [query.filter(where).values(*((day,) if by_day else ()), *fields)
               .annotate(n=Cast(Sum("count"), BigIntegerField())).order_by()
               for query, where, day in ((daily, days, "day"), (rollups, whole, "start")) if where]
    if not queries:
        return []
    return _raw(queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0])


def _raw(queryset) -> list[tuple]:
    """The rows of `queryset` as the driver returns them."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _parts(start: date, end: date, grains: tuple[str, ...],
           within: str = "") -> list[tuple[str, date, date]]:
    """`start`..`end` as (grain, first period start, last period start) of whole periods,
    coarsest grain first, and ("day", from, to) for the days left over; the days left over
    by a grain are cut at the ends of `within` periods before finer grains are tried."""
    if start > end:
        return []
    if not grains:
        return [("day", start, end)]
    cut = split(start, end, grains[0])
    out = [(grains[0], cut.first, cut.last)] if cut.first else []
    for first, last in cut.edges:
        while first <= last:
            piece_end = min(last, period_end(period_start(first, within), within)) if within else last
            out += _parts(first, piece_end, grains[1:], within)
            first = piece_end + timedelta(days=1)
    return out


# Histogram metric -> its {bucket: count} in a period.
_HISTOGRAMS = {
    **{m.sla_metric(clock, outcome): (lambda p, c=clock, o=outcome: getattr(p.sla[c], o).histogram)
       for clock in m.CLOCKS for outcome in m.OUTCOMES},
    m.CLARIFICATION_WAIT: lambda p: p.clarification_wait.histogram,
    m.RATING: lambda p: p.satisfaction.histogram,
}


def _add(period: Period, metric: str, bucket: int, count: int) -> None:
    histogram = _HISTOGRAMS.get(metric)
    if histogram is None:
        period.counts[metric] = period.counts.get(metric, 0) + count
    else:
        target = histogram(period)
        target[bucket] = target.get(bucket, 0) + count


def backlog_before(scope: Scope, day: date) -> int:
    rows = summed(scope, date.min, day - timedelta(days=1), ("month", "week"), fields=("metric",),
                  metrics=[m.BACKLOG])
    return sum(n for _metric, n in rows)


def whole(scope: Scope, start: date, end: date) -> Period:
    """`start`..`end` as one period (what `total` gives for a report over it), summed from the
    whole months and weeks inside it and its edge days: the comparison with the previous
    period needs nothing per period, so a report by day reads a year of monthly rows for it
    rather than 366 days."""
    fold()
    period = Period(start=start, end=end)
    for metric, bucket, n in summed(scope, start, end, ("month", "week")):
        _add(period, metric, bucket, n)
    period.backlog = backlog_before(scope, end + timedelta(days=1))
    return period


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
    base = Scope(service_ids=scope.service_ids, group_id=scope.group_id, dim=dim, by_value=True)
    out: dict[str, Period] = {}
    for value, metric, bucket, n in summed(base, start, end, ("month", "week"),
                                           fields=("value", "metric", "bucket"),
                                           metrics=BREAKDOWN_METRICS):
        period = out.get(value)
        if period is None:
            period = out[value] = Period(start=start, end=end)
        _add(period, metric, bucket, n)
    return out
