from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "edudesk.desk"
    label = "desk"
    verbose_name = _("Рабочее место техподдержки")

    def ready(self) -> None:
        from edudesk.desk import directory

        directory.connect()
