"""Poll the IMAP mailboxes now (the Huey job does this every minute in production)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from edudesk.mail.imap import poll_mailbox
from edudesk.mail.models import Mailbox


class Command(BaseCommand):
    help = "Fetch and store new mail from every mailbox with polling enabled (or the one named)."

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", default="", help="address of one mailbox")

    def handle(self, *args, mailbox: str, **options):
        boxes = Mailbox.objects.filter(polling_enabled=True).select_related("service")
        if mailbox:
            boxes = boxes.filter(address__iexact=mailbox)
        failed = False
        for box in boxes:
            report = poll_mailbox(box)
            self.stdout.write(f"{box.address}: fetched {report.fetched}, stored {report.stored}, "
                              f"duplicates {report.duplicates}, acknowledged {report.acknowledged}"
                              + (f", error: {report.error}" if report.error else ""))
            failed = failed or bool(report.error)
        if failed:
            raise SystemExit(1)
