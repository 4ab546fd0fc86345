from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    default = True  # this module also holds django-axes' config
    name = "edudesk.security"
    label = "security"
    verbose_name = _("Безопасность")


class SignInAttemptsConfig(AxesConfig):
    """django-axes (sign-in attempts and lock-outs) under a name an administrator reads."""

    verbose_name = _("Попытки входа")
