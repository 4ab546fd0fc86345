"""Load a production-calendar CSV into the calendar days.

    python manage.py load_calendar                       # the shipped Russian calendar, region ru
    python manage.py load_calendar ru-2028.csv           # the decree for a next year
    python manage.py load_calendar kz-2026.csv --region kz
    python manage.py load_calendar days.csv --service eschool   # one service's own days

Days already stored on the same dates are replaced; other days stay.
"""

from django.core.management.base import BaseCommand, CommandError

from edudesk.accounts.models import Service
from edudesk.sla.calendars import DEFAULT_REGION, import_days
from edudesk.sla.production_calendar import SHIPPED_CALENDAR, CalendarFileError, read_calendar


class Command(BaseCommand):
    help = "Load a production calendar CSV (date,day_type,...) into the calendar days."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(SHIPPED_CALENDAR))
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--region", default=DEFAULT_REGION, help="shared calendar code")
        target.add_argument("--service", help="load as one service's own days")

    def handle(self, *args, file: str, region: str, service: str | None, **options) -> None:
        owner = None
        if service:
            owner = Service.objects.filter(code=service).first()
            if owner is None:
                raise CommandError(f"no service with code {service!r}")
        try:
            days = read_calendar(file)
        except (OSError, CalendarFileError) as error:
            raise CommandError(f"{file}: {error}") from error
        created, updated = import_days(days, region=region, service=owner)
        self.stdout.write(f"{file}: {created} days added, {updated} replaced")
