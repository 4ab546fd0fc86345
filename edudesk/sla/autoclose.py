"""Closing answered tickets whose customer stays silent for N working days.

An answer given on some day closes once N whole working days have passed after that
day: answered on Monday with N=3 (Tue, Wed, Thu working) closes from Friday 00:00.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from edudesk.accounts.models import Service
from edudesk.sla.calendar import BusinessCalendar
from edudesk.sla.calendars import calendar_for, hours_for
from edudesk.tickets import services as ticket_services


def answered_before(calendar: BusinessCalendar, now: datetime, working_days: int) -> datetime:
    """Tickets answered before this moment have waited `working_days` whole working days."""
    today = now.astimezone(calendar.zone).date()
    first_counted = calendar.working_day_before(today, working_days)
    return datetime.combine(first_counted, time(0), tzinfo=calendar.zone)


def closes_at(calendar: BusinessCalendar, answered_at: datetime, working_days: int) -> datetime:
    """The first local midnight at which an answer given at `answered_at` is closed: the moment
    `answered_before` passes it (the job runs every few minutes; a replayed history, the bulk
    import's, closes it then)."""
    day = answered_at.astimezone(calendar.zone).date()
    while True:
        day += timedelta(days=1)
        midnight = datetime.combine(day, time(0), tzinfo=calendar.zone)
        if answered_at < answered_before(calendar, midnight, working_days):
            return midnight


def close_silent_answers(now: datetime) -> list[str]:
    """Run the tickets app's auto-close for every active service; returns the numbers closed."""
    closed: list[str] = []
    for service in Service.objects.filter(is_active=True).order_by("pk"):
        days = hours_for(service).auto_close_working_days
        if days == 0:
            continue
        cutoff = answered_before(calendar_for(service), now, days)
        closed += ticket_services.auto_close_answered(service=service, answered_before=cutoff, now=now)
    return closed
