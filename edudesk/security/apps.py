from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "edudesk.security"
    label = "security"
    verbose_name = "Security"
