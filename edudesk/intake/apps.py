from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "edudesk.intake"
    label = "intake"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from edudesk.intake.models import FormSchema

        # A changed schema (the admin, a migration) must not be served from this process's cache.
        post_save.connect(_forget, sender=FormSchema, dispatch_uid="intake-forget-schema")
        post_delete.connect(_forget, sender=FormSchema, dispatch_uid="intake-forget-schema-del")


def _forget(**_kwargs) -> None:
    from edudesk.intake.services import forget_schemas

    forget_schemas()
