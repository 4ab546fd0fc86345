from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "edudesk.portal"
    label = "portal"

    def ready(self):
        # Registers the sign-in link's mail as a durable job (outbox.durable) in every process,
        # the job consumer's too.
        from edudesk.portal import auth  # noqa: F401
