from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "edudesk.search"
    label = "search"

    def ready(self) -> None:
        from edudesk.search import indexing
        from edudesk.tickets.events import subscribe

        # After commit, in a Huey job per event: a slow lemmatisation never holds a ticket
        # change's transaction, and a failed job is retried (indexing is idempotent).
        subscribe(indexing.on_ticket_event, kinds=indexing.REINDEX_ON)
