from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "edudesk.mail"
    label = "mail"
