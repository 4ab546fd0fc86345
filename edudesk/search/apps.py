from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "edudesk.search"
    label = "search"
