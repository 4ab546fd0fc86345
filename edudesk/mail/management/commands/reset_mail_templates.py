"""Give the mail templates for all services the wording of this version of edudesk.

Templates are copied into the database once (after ``migrate``) and administrators edit them
there, so a new default wording does not replace them by itself. Run this after an upgrade
whose CHANGELOG mentions new notification texts; a service's own templates stay untouched.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from edudesk.mail.mail_templates import reset_default_templates
from edudesk.mail.models import MailTemplate


class Command(BaseCommand):
    help = "Reset the templates for all services to the current default texts (ru and en)."

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", metavar="KEY",
                            help="only these notifications, e.g. registered needs_data")

    def handle(self, *args, keys: list[str], **options):
        unknown = sorted(set(keys) - set(MailTemplate.Key.values))
        if unknown:
            raise CommandError(f"unknown template keys: {', '.join(unknown)}; "
                               f"known: {', '.join(MailTemplate.Key.values)}")
        changed = reset_default_templates(keys or None)
        self.stdout.write(f"reset: {', '.join(changed)}" if changed else "nothing to reset")
