from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "edudesk.intake"
    label = "intake"
