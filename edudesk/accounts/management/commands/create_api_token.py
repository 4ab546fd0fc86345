from django.core.management.base import BaseCommand, CommandError

from edudesk.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create an API bearer token for an agent or integration user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        _, raw = ApiToken.issue(user=user, name=name or "cli")
        self.stdout.write(raw)
