"""Retrain the category models from the agents' corrections (the periodic job does it too)."""

from django.core.management.base import BaseCommand, CommandError

from edudesk.accounts.models import Service
from edudesk.intake.categorize import services_due_for_training, train_service
from edudesk.intake.services import schema_for


class Command(BaseCommand):
    help = ("Train each service's category model from its form schema and the categories agents "
            "corrected or confirmed. Without --service, only services with new examples.")

    def add_arguments(self, parser):
        parser.add_argument("--service", action="append", default=[],
                            help="service code (repeatable); trains it even without new examples")

    def handle(self, *args, service: list[str], verbosity: int, **options):
        if service:
            services = list(Service.objects.filter(code__in=service))
            unknown = set(service) - {s.code for s in services}
            if unknown:
                raise CommandError(f"Unknown service: {', '.join(sorted(unknown))}")
        else:
            services = services_due_for_training()
        for item in services:
            row = train_service(item, schema_for(item))
            if verbosity:
                self.stdout.write(f"{item.code}: trained on {row.examples} examples "
                                  f"({', '.join(row.categories)}).")
        if verbosity and not services:
            self.stdout.write("No service has new examples.")
