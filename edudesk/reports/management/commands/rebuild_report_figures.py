"""Recompute the reports' facts and daily figures from the ticket events."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from edudesk.reports.rebuild import rebuild
from edudesk.tickets.models import Ticket


class Command(BaseCommand):
    help = "Пересчитать показатели отчётов по событиям обращений."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="без индикатора хода работы")

    def handle(self, *args, no_progress=False, **options):
        total = Ticket.objects.count()
        with tqdm(total=total, unit="обращ.", disable=no_progress, file=self.stderr._out) as bar:
            count = rebuild(progress=bar.update)
        self.stdout.write(f"Пересчитано обращений: {count}")
