from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "edudesk.api"
    label = "api"
