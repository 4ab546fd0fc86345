from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "edudesk.portal"
    label = "portal"
    verbose_name = _("Портал заявителя")

    def ready(self):
        # Registers the sign-in link's mail as a durable job (outbox.durable) in every process,
        # the job consumer's too.
        from edudesk.portal import auth  # noqa: F401
