from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "edudesk.search"
    label = "search"
    verbose_name = _("Поиск")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from edudesk.accounts.models import Organisation
        from edudesk.search import indexing
        from edudesk.tickets.events import subscribe

        # After commit, in the outbox's job: a slow lemmatisation never holds a ticket change's
        # transaction, and a failed job is retried (indexing is idempotent). A job that runs
        # the work of many events reindexes their tickets together (a few queries in all).
        subscribe(indexing.on_ticket_event, kinds=indexing.REINDEX_ON,
                  batch=indexing.on_ticket_events)
        # A renamed organisation (the admin, the intake filling its city) is found by its new
        # name: a decoupled reaction, so a signal.
        post_save.connect(indexing.on_organisation_saved, sender=Organisation,
                          dispatch_uid="search-reindex-organisation")
