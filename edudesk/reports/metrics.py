"""What the reports count: metric names, the dimensions, and the duration buckets.

Durations (SLA clocks, clarification waits) are kept as histograms in working minutes.
A bucket is named by its upper bound: every minute up to an hour, then coarser steps, so
a day's histogram stays small. A percentile is the bucket of the nearest-rank element, so
it is exact to the minute up to 60 minutes, to 5 minutes up to 4 hours, and so on.
"""

import math
from datetime import timedelta

CREATED = "created"
RESOLVED = "resolved"
CANCELLED = "cancelled"
REOPENED = "reopened"
BACKLOG = "backlog"  # +1 when a ticket opens or enters a slice, -1 when it closes or leaves
CLARIFIED = "clarified"  # on the ticket's creation day: it needed a clarification
CLARIFICATION_WAIT = "clarification_wait"  # histogram: each wait for the customer
MERGED = "merged"
SPLIT = "split"
CONVERTED = "converted"
REPEAT = "repeat"
# Histogram by score (1–5): a customer's rating of the solution, counted on the day it was
# first given and in the ticket's slice then; a changed rating replaces its score.
RATING = "rating"
GOOD_SCORE = 4  # 4 and 5: satisfied
LOW_SCORE = 2  # 1 and 2: a low rating a supervisor reviews

CLOCKS = ("review", "first_answer", "solution")
OUTCOMES = ("met", "breached")


def sla_metric(clock: str, outcome: str) -> str:
    return f"sla_{clock}_{outcome}"


SLA_METRICS = tuple(sla_metric(c, o) for c in CLOCKS for o in OUTCOMES)
HISTOGRAMS = frozenset({*SLA_METRICS, CLARIFICATION_WAIT, RATING})
KNOWN_METRICS = frozenset({CREATED, RESOLVED, CANCELLED, REOPENED, CLARIFIED, CLARIFICATION_WAIT,
                           MERGED, SPLIT, CONVERTED, REPEAT, RATING, *SLA_METRICS})

# The slices a figure is kept for besides service and line (one at a time: day × service ×
# line × one dimension). Names match the desk's queue filters.
DIMENSIONS = ("agent", "channel", "category", "priority", "region", "organisation")

# (up to minutes, step)
_LADDER = ((60, 1), (240, 5), (960, 15), (4800, 60))
_LAST_STEP = 480


def working_minutes(duration: timedelta) -> int:
    """Whole working minutes, a started minute counting as one."""
    return max(0, math.ceil(duration.total_seconds() / 60))


def bucket(minutes: int) -> int:
    for limit, step in _LADDER:
        if minutes <= limit:
            return -(-minutes // step) * step
    return -(-minutes // _LAST_STEP) * _LAST_STEP


def nearest_rank(histogram: dict[int, int], share: float) -> int | None:
    """The bucket holding the nearest-rank `share` percentile of a {bucket: count} histogram."""
    total = sum(count for count in histogram.values() if count > 0)
    if total <= 0:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)
