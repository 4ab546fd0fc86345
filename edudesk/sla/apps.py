from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "edudesk.sla"
    label = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from edudesk.accounts.models import Service
        from edudesk.sla import clocks, tasks  # noqa: F401 - tasks registers the periodic jobs
        from edudesk.sla.models import CalendarDay, ServiceHours, SlaPolicy
        from edudesk.tickets.services import prepare_new_tickets, run_after_change

        # Clocks change in the same transaction as the ticket change that moves them: an
        # explicit step once the change is complete (tickets.services), not in its middle.
        run_after_change(clocks.on_ticket_event)
        # A new ticket's due dates are written with its row.
        prepare_new_tickets(clocks.prepare)
        # A changed calendar must not be served from this process's cache.
        for model in (CalendarDay, ServiceHours, Service):
            post_save.connect(_forget, sender=model, dispatch_uid=f"sla-forget-{model.__name__}")
            post_delete.connect(_forget, sender=model, dispatch_uid=f"sla-del-{model.__name__}")
        # Nor changed targets.
        post_save.connect(_forget_policies, sender=SlaPolicy, dispatch_uid="sla-forget-SlaPolicy")
        post_delete.connect(_forget_policies, sender=SlaPolicy, dispatch_uid="sla-del-SlaPolicy")


def _forget(**_kwargs) -> None:
    from edudesk.sla.calendars import forget_calendars

    forget_calendars()


def _forget_policies(**_kwargs) -> None:
    from edudesk.sla.policies import forget_policies

    forget_policies()
