"""Calendar periods of the reports: days, weeks (Monday to Sunday) and calendar months.

A range of days splits into the whole weeks or months inside it, read from their roll-ups
(`PeriodFigure`), and the days at its edges, read from the daily figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

GROUPINGS = ("day", "week", "month")
ROLLUPS = ("week", "month")


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


@dataclass(frozen=True)
class Split:
    """A range of days as whole periods of one grain plus the days left at its edges."""

    # First days of the whole periods inside the range, from `first` to `last` (None: none).
    first: date | None
    last: date | None
    # The days outside the whole periods: (from, to) ranges, inclusive.
    edges: tuple[tuple[date, date], ...]


def split(start: date, end: date, grain: str) -> Split:
    """`start`..`end` (inclusive) as whole `grain` periods and the edge days around them."""
    first = period_start(start, grain)
    if first < start:
        first = period_end(first, grain) + timedelta(days=1)
    last = period_start(end, grain)
    if period_end(last, grain) > end:
        last = last - timedelta(days=1)
        last = period_start(last, grain)
    if first > last:
        return Split(None, None, ((start, end),) if start <= end else ())
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    last_day = period_end(last, grain)
    if last_day < end:
        edges.append((last_day + timedelta(days=1), end))
    return Split(first, last, tuple(edges))
