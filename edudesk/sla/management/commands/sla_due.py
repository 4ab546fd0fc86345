"""Print when a given amount of working time from a moment ends, on a service's calendar.

    python manage.py sla_due --service eschool --at 2026-12-31T16:30 --minutes 60
    python manage.py sla_due --service eschool --at 2026-12-31T16:30 --priority high --clock review

`--at` without an offset is read in the service's time zone; the answer is ISO 8601 with
the offset of that zone.
"""

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from edudesk.accounts.models import Service
from edudesk.sla.calendars import calendar_for
from edudesk.sla.models import ClockKind
from edudesk.sla.policies import targets_for
from edudesk.tickets.models import Priority


class Command(BaseCommand):
    help = "When does this much working time from this moment end (ISO 8601 with offset)?"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--service", required=True, help="service code, e.g. eschool")
        parser.add_argument("--at", required=True, help="start, e.g. 2026-12-31T16:30[+03:00]")
        amount = parser.add_mutually_exclusive_group(required=True)
        amount.add_argument("--minutes", type=int, help="working minutes to add")
        amount.add_argument("--priority", choices=Priority.values, help="use this priority's policy")
        parser.add_argument(
            "--clock",
            choices=ClockKind.values,
            default=ClockKind.SOLUTION,
            help="which target of the policy (with --priority; default solution)",
        )

    def handle(
        self, *args, service: str, at: str, minutes: int | None, priority: str | None, clock: str, **options
    ) -> str:
        found = Service.objects.filter(code=service).first()
        if found is None:
            raise CommandError(f"no service with code {service!r}")
        calendar = calendar_for(found)
        try:
            start = datetime.fromisoformat(at)
        except ValueError as error:
            raise CommandError(f"--at: {error}") from error
        if start.tzinfo is None:
            start = start.replace(tzinfo=calendar.zone)
        if minutes is not None:
            if minutes < 0:
                raise CommandError("--minutes must not be negative")
            duration = timedelta(minutes=minutes)
        else:
            duration = targets_for(found, priority).of(clock)
        due = calendar.add_working_time(start, duration).astimezone(calendar.zone)
        return due.isoformat()
