from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "edudesk.kb"
    verbose_name = _("База знаний")
