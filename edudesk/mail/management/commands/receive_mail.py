"""Read one RFC 5322 message from standard input and store it (for MTA pipes).

Postfix (master.cf):  edudesk unix - n n - - pipe flags=Rq user=edudesk
    argv=/srv/edudesk/.venv/bin/python /srv/edudesk/manage.py receive_mail --service eschool
Exit status: 0 once the mail is stored (or was already stored), 75 (EX_TEMPFAIL) when the
database failed and nothing was stored, so the MTA retries; 64 (EX_USAGE) for a bad call.
Each call starts the whole application (about a second); ``deploy/mailgate.py`` hands the
mail to the running server instead and falls back to this command.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError

from edudesk.mail.ingest import TemporaryFailure
from edudesk.mail.pipe import UnknownService, deliver_piped, describe, strip_mbox_separator

EX_USAGE = 64
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store one mail read from standard input (exit 0 stored, 75 retry later)."

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True, help="code of the service, e.g. eschool")
        parser.add_argument("--mailbox", default="", help="address of the mailbox (optional)")

    def handle(self, *args, service: str, mailbox: str, **options):
        raw = strip_mbox_separator(sys.stdin.buffer.read())
        if not raw.strip():
            raise CommandError("no message on standard input", returncode=EX_USAGE)
        try:
            result = deliver_piped(raw, service=service, mailbox=mailbox, source="pipe")
        except UnknownService as error:
            raise CommandError(f"unknown service {service!r}", returncode=EX_USAGE) from error
        except (TemporaryFailure, OperationalError, InterfaceError) as error:
            raise CommandError(f"temporary failure, retry later: {error}",
                               returncode=EX_TEMPFAIL) from error
        self.stdout.write(describe(result))
