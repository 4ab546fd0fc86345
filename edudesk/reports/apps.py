from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "edudesk.reports"
    label = "reports"
    verbose_name = _("Отчёты")

    def ready(self) -> None:
        from edudesk.reports import facts, tasks  # noqa: F401 - tasks registers the periodic fold
        from edudesk.tickets.events import subscribe_in_transaction

        # Facts are written in the transaction of the change they count: exactly once.
        subscribe_in_transaction(facts.on_ticket_event)
