from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "edudesk.ops"
    label = "ops"
    verbose_name = "Operations"
