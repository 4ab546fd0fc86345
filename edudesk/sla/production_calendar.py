"""The production calendar (производственный календарь) as day overrides.

The shipped file `data/ru-production-calendar-2024-2027.csv` has one row per day:
`date,weekday,day_type,hours_40h_week,holiday_name,transferred_from,source`.
Any CSV with at least the `date` and `day_type` columns (another year, another
country) loads the same way. Only the days that differ from an ordinary week
become overrides: `working` and `weekend` rows defer to the service's own weekly
hours, so a service that works on Saturdays keeps working on ordinary Saturdays.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from edudesk.sla.calendar import BusinessCalendar, DayKind, DayOverride

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_CALENDAR = DATA_DIR / "ru-production-calendar-2024-2027.csv"

REQUIRED_COLUMNS = ("date", "day_type")
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# day_type in the file -> the override it becomes; None: an ordinary day, no override.
DAY_TYPES: dict[str, DayKind | None] = {
    "working": None,
    "weekend": None,
    "holiday": DayKind.HOLIDAY,
    "transfer_day_off": DayKind.NON_WORKING,
    "working_weekend": DayKind.WORKING,
    "shortened": DayKind.SHORTENED,
}


class CalendarFileError(ValueError):
    """A calendar file that cannot be trusted; the message names the line."""


@dataclass(frozen=True)
class CalendarDay:
    """One exceptional day read from a calendar file."""

    day: date
    override: DayOverride
    source: str = ""


def _note(row: dict[str, str]) -> str:
    name = (row.get("holiday_name") or "").strip()
    transferred = (row.get("transferred_from") or "").strip()
    if transferred:
        return f"{name} (перенос с {transferred})".strip() if name else f"перенос с {transferred}"
    return name


def parse_rows(rows: Iterable[dict[str, str]], first_line: int = 2) -> list[CalendarDay]:
    """Turn CSV rows into exceptional days, checking each row."""
    days: list[CalendarDay] = []
    seen: set[date] = set()
    for line, row in enumerate(rows, start=first_line):
        try:
            day = date.fromisoformat((row.get("date") or "").strip())
        except ValueError as error:
            raise CalendarFileError(f"line {line}: bad date {row.get('date')!r}") from error
        day_type = (row.get("day_type") or "").strip()
        if day_type not in DAY_TYPES:
            raise CalendarFileError(f"line {line}: unknown day_type {day_type!r}")
        weekday = (row.get("weekday") or "").strip()
        if weekday and weekday != WEEKDAY_NAMES[day.weekday()]:
            raise CalendarFileError(f"line {line}: {day} is not a {weekday}")
        if day in seen:
            raise CalendarFileError(f"line {line}: {day} appears twice")
        seen.add(day)
        kind = DAY_TYPES[day_type]
        if kind is not None:
            override = DayOverride(kind=kind, note=_note(row))
            days.append(CalendarDay(day, override, (row.get("source") or "").strip()))
    return days


def read_calendar(source: CalendarSource) -> list[CalendarDay]:
    """Read a calendar CSV from a path or an open text stream."""
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8", newline="") as stream:
            return read_calendar(stream)
    reader = csv.DictReader(source)
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        raise CalendarFileError(f"missing columns: {', '.join(missing)}")
    return parse_rows(reader)


CalendarSource = Path | str | io.TextIOBase


def load_overrides(source: CalendarSource = SHIPPED_CALENDAR) -> dict[date, DayOverride]:
    return {entry.day: entry.override for entry in read_calendar(source)}


def russian_calendar(zone: str = "Europe/Moscow") -> BusinessCalendar:
    """Default hours (Mon-Fri 08:00-17:00) with the shipped Russian production calendar."""
    return BusinessCalendar(zone=zone, overrides=load_overrides())
