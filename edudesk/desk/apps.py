from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "edudesk.desk"
    label = "desk"
