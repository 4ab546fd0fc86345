from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "edudesk.incidents"
    verbose_name = _("Массовые инциденты")

    def ready(self) -> None:
        from edudesk.incidents.proposals import on_ticket_created, on_tickets_created
        from edudesk.tickets.events import EventKind, subscribe

        # A new request may cross a service's threshold: the desk proposes at once (a job that
        # runs the work of many new requests evaluates them together).
        subscribe(on_ticket_created, kinds={EventKind.CREATED}, batch=on_tickets_created)
