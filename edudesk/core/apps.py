from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "edudesk.core"
    label = "core"
