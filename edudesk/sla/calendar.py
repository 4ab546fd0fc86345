"""Working-time arithmetic on a business calendar.

A `BusinessCalendar` knows a time zone, the weekly working periods (per weekday,
lunch breaks allowed) and day overrides (public holidays, transferred days off,
weekends made working by decree, shortened pre-holiday days).

Every local working period of a date is turned once into an interval of UTC
instants and cached, so arithmetic walks whole periods and days, never minutes.
Working time is elapsed real time inside those intervals: a period that spans a
daylight-saving change is an hour longer or shorter, as the clock on the wall
of a zone that has one would say.

Inputs must be aware datetimes in any zone; results come back in the zone of
the datetime that was passed in (`add_working_time(start, ...)` answers in
`start`'s zone). Intervals are half-open: 08:00 is a working moment, 17:00 is
not.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)

_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class NoWorkingTimeError(ValueError):
    """The calendar has no working time left after the given moment."""


@dataclass(frozen=True, order=True)
class WorkingPeriod:
    """One stretch of working time within a day, in minutes after local midnight.

    `end` may be 1440 (24:00) so that round-the-clock support can be described.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"invalid working period {self.start}..{self.end} minutes")

    @classmethod
    def parse(cls, text: str) -> WorkingPeriod:
        """Parse `"08:00-17:00"` (24:00 allowed as an end)."""
        match = _PERIOD_RE.match(text)
        if not match:
            raise ValueError(f"expected HH:MM-HH:MM, got {text!r}")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2):
            raise ValueError(f"invalid time in {text!r}")
        return cls(h1 * 60 + m1, h2 * 60 + m2)

    @classmethod
    def of(cls, start: time, end: time) -> WorkingPeriod:
        return cls(start.hour * 60 + start.minute, end.hour * 60 + end.minute)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


Periods = tuple[WorkingPeriod, ...]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_periods(text: str) -> Periods:
    """Parse `"08:00-12:00, 13:00-17:00"`; an empty string means a day off."""
    parts = [part for part in re.split(r"[,;]", text) if part.strip()]
    return validate_periods(tuple(WorkingPeriod.parse(part) for part in parts))


def validate_periods(periods: Periods) -> Periods:
    """Return the periods sorted; raise if two of them overlap."""
    ordered = tuple(sorted(periods))
    for earlier, later in pairwise(ordered):
        if later.start < earlier.end:
            raise ValueError(f"working periods {earlier} and {later} overlap")
    return ordered


def format_periods(periods: Periods) -> str:
    return ", ".join(str(period) for period in periods)


def shorten(periods: Periods, minutes: int) -> Periods:
    """Cut `minutes` of working time off the end of the day (a pre-holiday day)."""
    result = list(periods)
    while minutes > 0 and result:
        last = result.pop()
        if last.minutes > minutes:
            result.append(WorkingPeriod(last.start, last.end - minutes))
            minutes = 0
        else:
            minutes -= last.minutes
    return tuple(result)


class DayKind(enum.StrEnum):
    HOLIDAY = "holiday"  # a public holiday: no work
    NON_WORKING = "non_working"  # a day off by transfer or by decision of the service
    WORKING = "working"  # a working day, with its own periods or the default ones
    SHORTENED = "shortened"  # the default periods minus the shortening at the end of the day


@dataclass(frozen=True)
class DayOverride:
    kind: DayKind
    periods: Periods | None = None  # only for WORKING; None means the default periods
    note: str = ""

    def __post_init__(self) -> None:
        if self.periods is not None and self.kind is not DayKind.WORKING:
            raise ValueError("only a working day override can carry its own periods")


DEFAULT_HOURS: Periods = (WorkingPeriod(8 * 60, 17 * 60),)
MONDAY_TO_FRIDAY = range(5)

Interval = tuple[datetime, datetime]


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError("aware datetime required")


class BusinessCalendar:
    """Working time of one service: zone, weekly hours and day overrides."""

    def __init__(
        self,
        zone: tzinfo | str = "Europe/Moscow",
        weekly: Mapping[int, Periods] | None = None,
        overrides: Mapping[date, DayOverride] | None = None,
        shortening_minutes: int = 60,
    ) -> None:
        """`weekly` maps a weekday (Monday=0) to its periods; missing days are days off.

        The default is Monday to Friday 08:00-17:00. `overrides` replace the
        weekly rule on their dates.
        """
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        if weekly is None:
            weekly = dict.fromkeys(MONDAY_TO_FRIDAY, DEFAULT_HOURS)
        self.weekly: dict[int, Periods] = {
            weekday: validate_periods(tuple(weekly.get(weekday, ()))) for weekday in range(7)
        }
        self.overrides: dict[date, DayOverride] = dict(overrides or {})
        self.shortening_minutes = shortening_minutes
        # A working weekend day or a shortened day takes the periods of the
        # first weekday that has any (Monday under the default hours).
        self.standard_periods: Periods = next(
            (periods for periods in self.weekly.values() if periods), DEFAULT_HOURS
        )
        self._last_working_override = max(
            (
                day
                for day, override in self.overrides.items()
                if override.kind in (DayKind.WORKING, DayKind.SHORTENED)
            ),
            default=None,
        )
        self._has_weekly_work = any(self.weekly.values())
        self._intervals: dict[date, tuple[Interval, ...]] = {}
        self._totals: dict[date, timedelta] = {}

    # -- the periods of one date -------------------------------------------------

    def periods_on(self, day: date) -> Periods:
        """The local working periods of `day`, after overrides."""
        override = self.overrides.get(day)
        if override is None:
            return self.weekly[day.weekday()]
        if override.kind in (DayKind.HOLIDAY, DayKind.NON_WORKING):
            return ()
        base = self.weekly[day.weekday()] or self.standard_periods
        if override.kind is DayKind.SHORTENED:
            return shorten(base, self.shortening_minutes)
        return override.periods if override.periods is not None else base

    def is_working_day(self, day: date) -> bool:
        return bool(self.periods_on(day))

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The working periods of `day` as UTC instants, cached per date."""
        cached = self._intervals.get(day)
        if cached is not None:
            return cached
        midnight = datetime.combine(day, time(0), tzinfo=self.zone)
        day_start = midnight.astimezone(UTC)
        day_end = datetime.combine(day + ONE_DAY, time(0), tzinfo=self.zone).astimezone(UTC)
        intervals = []
        for period in self.periods_on(day):
            # Wall-clock arithmetic on an aware datetime, then to UTC: a period
            # keeps its local hours on a daylight-saving day. Clipping to the
            # day's own midnights keeps the intervals of different days apart.
            start = max((midnight + timedelta(minutes=period.start)).astimezone(UTC), day_start)
            end = min((midnight + timedelta(minutes=period.end)).astimezone(UTC), day_end)
            if intervals and start < intervals[-1][1]:
                start = intervals[-1][1]
            if start < end:
                intervals.append((start, end))
        result = tuple(intervals)
        self._intervals[day] = result
        self._totals[day] = sum((end - start for start, end in result), ZERO)
        return result

    def working_time_on(self, day: date) -> timedelta:
        if day not in self._totals:
            self.intervals_on(day)
        return self._totals[day]

    def _days_from(self, moment_utc: datetime) -> Iterator[date]:
        """Dates whose intervals may lie at or after `moment_utc`, in order."""
        # The day before the local date is included: a midnight that does not
        # exist or repeats can leave a sliver of it after `moment_utc`.
        return self._dates_from(moment_utc.astimezone(self.zone).date() - ONE_DAY)

    def _dates_from(self, day: date) -> Iterator[date]:
        """`day` and the dates after it, until no working time can follow."""
        while True:
            if not self._has_weekly_work and (
                self._last_working_override is None or day > self._last_working_override
            ):
                raise NoWorkingTimeError(f"no working time after {day.isoformat()}")
            yield day
            day += ONE_DAY

    # -- public arithmetic ---------------------------------------------------------

    def is_working_moment(self, moment: datetime) -> bool:
        _require_aware(moment)
        moment_utc = moment.astimezone(UTC)
        local_day = moment_utc.astimezone(self.zone).date()
        for day in (local_day - ONE_DAY, local_day, local_day + ONE_DAY):
            for start, end in self.intervals_on(day):
                if start <= moment_utc < end:
                    return True
        return False

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` itself when it is working time, else the start of the next period."""
        _require_aware(moment)
        moment_utc = moment.astimezone(UTC)
        for day in self._days_from(moment_utc):
            for start, end in self.intervals_on(day):
                if end > moment_utc:
                    return max(start, moment_utc).astimezone(moment.tzinfo)
        raise AssertionError("unreachable")  # _days_from either yields or raises

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest moment by which `duration` of working time has passed since `start`.

        When the duration ends exactly at the end of a period, the answer is that
        end (Friday 17:00), not the start of the next period; a zero duration
        returns `start` unchanged.
        """
        _require_aware(start)
        if duration < ZERO:
            raise ValueError("duration must not be negative")
        if duration == ZERO:
            return start
        start_utc = start.astimezone(UTC)
        remaining = duration
        for day in self._days_from(start_utc):
            intervals = self.intervals_on(day)
            if not intervals or intervals[-1][1] <= start_utc:
                continue
            if intervals[0][0] >= start_utc and self._totals[day] < remaining:
                remaining -= self._totals[day]  # the whole day fits: skip it at once
                continue
            for period_start, period_end in intervals:
                if period_end <= start_utc:
                    continue
                begin = max(period_start, start_utc)
                available = period_end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= available
        raise AssertionError("unreachable")

    def working_time_between(self, earlier: datetime, later: datetime) -> timedelta:
        """Working time from `earlier` to `later`; negative when they come in reverse."""
        _require_aware(earlier)
        _require_aware(later)
        a, b = earlier.astimezone(UTC), later.astimezone(UTC)
        if b < a:
            return -self.working_time_between(later, earlier)
        total = ZERO
        day = a.astimezone(self.zone).date() - ONE_DAY
        last_day = b.astimezone(self.zone).date() + ONE_DAY
        while day <= last_day:
            intervals = self.intervals_on(day)
            if intervals and intervals[0][0] >= a and intervals[-1][1] <= b:
                total += self._totals[day]
            else:
                for start, end in intervals:
                    overlap = min(end, b) - max(start, a)
                    if overlap > ZERO:
                        total += overlap
            day += ONE_DAY
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local wall-clock time on the `days`-th working day after `start`'s date.

        Used for "closes after three working days": an answer given on Friday at
        10:00 with days=1 gives Monday 10:00 when Monday is a working day.
        """
        _require_aware(start)
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return start
        local = start.astimezone(self.zone)
        counted = 0
        for candidate in self._dates_from(local.date() + ONE_DAY):
            if self.is_working_day(candidate):
                counted += 1
                if counted == days:
                    target = datetime.combine(candidate, local.time(), tzinfo=self.zone)
                    return target.astimezone(start.tzinfo)
        raise AssertionError("unreachable")

    def working_day_before(self, day: date, count: int) -> date:
        """The `count`-th working day before `day`, not counting `day` itself."""
        if count < 1:
            raise ValueError("count must be positive")
        first_override = min(
            (d for d, o in self.overrides.items() if o.kind in (DayKind.WORKING, DayKind.SHORTENED)),
            default=None,
        )
        found = 0
        while True:
            day -= ONE_DAY
            if not self._has_weekly_work and (first_override is None or day < first_override):
                raise NoWorkingTimeError(f"no working day before {day.isoformat()}")
            if self.is_working_day(day):
                found += 1
                if found == count:
                    return day

    def describe_day(self, day: date) -> str:
        periods = self.periods_on(day)
        return format_periods(periods) if periods else "-"
