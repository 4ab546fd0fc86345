"""Give the mail templates for all services the wording of this version of edudesk.

Templates are copied into the database once (after ``migrate``) and administrators edit them
there, so a new default wording does not replace them by itself. Run this after an upgrade
whose CHANGELOG mentions new notification texts: first with ``--dry-run`` to read what would
change. A template an administrator edited is kept unless ``--force``; a service's own
templates are never touched.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from edudesk.mail.mail_templates import Reset, reset_default_templates
from edudesk.mail.models import MailTemplate


class Command(BaseCommand):
    help = ("Give the templates for all services (ru and en) the current default texts; "
            "templates an administrator edited are kept unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", metavar="KEY",
                            help="only these notifications, e.g. registered needs_data")
        parser.add_argument("--dry-run", action="store_true",
                            help="show what would change (a diff per template), change nothing")
        parser.add_argument("--force", action="store_true",
                            help="also replace templates an administrator edited")

    def handle(self, *args, keys: list[str], dry_run: bool, force: bool, **options):
        unknown = sorted(set(keys) - set(MailTemplate.Key.values))
        if unknown:
            raise CommandError(f"unknown template keys: {', '.join(unknown)}; "
                               f"known: {', '.join(MailTemplate.Key.values)}")
        changes = reset_default_templates(keys or None, force=force, dry_run=dry_run)
        if not changes:
            self.stdout.write("nothing to reset: every template has the current default text")
            return
        for change in changes:
            if change.outcome is Reset.KEPT:
                self.stdout.write(f"{change.name}: edited by an administrator, kept "
                                  "(--force replaces it)")
            else:
                self.stdout.write(f"{change.name}: {'would be reset' if dry_run else 'reset'}")
            if dry_run or change.outcome is Reset.KEPT:
                self.stdout.write(change.diff)
        if dry_run:
            self.stdout.write("nothing changed (dry run)")
