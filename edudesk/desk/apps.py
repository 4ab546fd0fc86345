from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "edudesk.desk"
    label = "desk"

    def ready(self) -> None:
        from edudesk.desk import directory

        directory.connect()
