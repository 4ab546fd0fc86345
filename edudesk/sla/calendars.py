"""The business calendar of a service, built from the database and cached per process.

A built calendar is kept for `CACHE_SECONDS` and rebuilt at once in the process that
changes hours or days (the admin, `load_calendar`); other processes (the job consumer,
other web workers) pick a change up within that time.
"""

from __future__ import annotations

import time
from datetime import date

from django.db import transaction
from django.db.models import Q

from edudesk.accounts.models import Service
from edudesk.sla.calendar import BusinessCalendar, DayKind, DayOverride, parse_periods
from edudesk.sla.models import CalendarDay, ServiceHours
from edudesk.sla.production_calendar import CalendarDay as FileDay

CACHE_SECONDS = 60
DEFAULT_REGION = "ru"

_cache: dict[int, tuple[float, BusinessCalendar]] = {}


def forget_calendars() -> None:
    """Drop every cached calendar (after hours or days changed)."""
    _cache.clear()


def hours_for(service: Service) -> ServiceHours:
    """The service's weekly hours, created with the defaults on first use."""
    hours = ServiceHours.objects.filter(service=service).first()
    if hours is None:
        hours, _created = ServiceHours.objects.get_or_create(service=service)
    return hours


def _override(day: CalendarDay) -> DayOverride:
    periods = parse_periods(day.periods) if day.periods else None
    return DayOverride(kind=DayKind(day.kind), periods=periods, note=day.note)


def build_calendar(service: Service) -> BusinessCalendar:
    hours = hours_for(service)
    weekly = {weekday: parse_periods(text) for weekday, text in enumerate(hours.weekly_text()) if text}
    shared = Q(service__isnull=True, region=hours.production_calendar)
    days = CalendarDay.objects.filter(
        Q(service=service) | shared if hours.production_calendar else Q(service=service)
    )
    overrides: dict[date, DayOverride] = {}
    # Shared days first, then the service's own days replace them.
    for day in sorted(days, key=lambda row: row.service_id is not None):
        overrides[day.date] = _override(day)
    return BusinessCalendar(
        zone=service.time_zone,
        weekly=weekly,
        overrides=overrides,
        shortening_minutes=hours.shortened_day_minutes,
    )


def calendar_for(service: Service) -> BusinessCalendar:
    cached = _cache.get(service.pk)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    calendar = build_calendar(service)
    _cache[service.pk] = (time.monotonic(), calendar)
    return calendar


def import_days(days: list[FileDay], *, region: str = "", service: Service | None = None) -> tuple[int, int]:
    """Store days read from a calendar file; existing days on those dates are replaced.

    Returns (created, updated).
    """
    created = updated = 0
    with transaction.atomic():
        for entry in days:
            _row, was_created = CalendarDay.objects.update_or_create(
                service=service,
                region="" if service else region,
                date=entry.day,
                defaults={
                    "kind": entry.override.kind.value,
                    "periods": "",
                    "note": entry.override.note[:200],
                    "source": entry.source[:100],
                },
            )
            created += was_created
            updated += not was_created
    transaction.on_commit(forget_calendars)
    return created, updated
