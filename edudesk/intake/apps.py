from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "edudesk.intake"
    label = "intake"
    verbose_name = _("Приём обращений")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from edudesk.intake.models import FormSchema

        # A changed schema (the admin, a migration) must not be served from this process's cache.
        post_save.connect(_forget, sender=FormSchema, dispatch_uid="intake-forget-schema")
        post_delete.connect(_forget, sender=FormSchema, dispatch_uid="intake-forget-schema-del")

        from edudesk.tickets.events import subscribe_in_transaction

        # An agent's category on a request whose category was inferred teaches the model.
        subscribe_in_transaction(_learn_category)


def _learn_category(event) -> None:
    from edudesk.intake.categorize import record_example
    from edudesk.tickets.events import EventKind
    from edudesk.tickets.status import ActorKind

    if event.kind == EventKind.CATEGORY_CHANGED and event.actor_kind == ActorKind.AGENT:
        record_example(event.ticket, (event.new or {}).get("category", ""))


def _forget(**_kwargs) -> None:
    from edudesk.intake.services import forget_schemas

    forget_schemas()
