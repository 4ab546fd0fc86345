from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "edudesk.portal"
    label = "portal"
