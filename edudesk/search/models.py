"""The search index: one document per ticket, shared by both backends.

The document keeps what search needs in a searchable form: the lemmas of the subject and of
the conversation, the identities (e-mails, logins, phones) and the number. The full-text and
trigram indexes over it are created per database vendor by migrations: SQLite FTS5 tables
with this table as their external content, or on PostgreSQL a ``tsvector`` column with a GIN
index and pg_trgm indexes.

On PostgreSQL the lemmas are kept only in that vector: a trigger builds it from the lemmas
written and stores the two lemma columns empty (migration 0009), so reading them back there
gives "". A change to how text is lemmatised is applied with ``manage.py reindex --restart``.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service
from edudesk.tickets.models import Ticket


class TicketDocument(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, primary_key=True,
                                  related_name="search_document")
    # Copied from the ticket (it never changes service) so that a search filters by the
    # agent's services without a join.
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+",
                                db_index=False)  # search_doc_service_ticket leads with it
    number = models.CharField(max_length=20)
    # Folded tokens separated and surrounded by spaces: " user12 m.ivanova@school12.example ".
    identities = models.TextField(blank=True)
    subject_lemmas = models.TextField(blank=True)
    body_lemmas = models.TextField(blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("поисковый документ обращения")
        verbose_name_plural = _("поисковые документы обращений")
        indexes = [models.Index(fields=["service", "ticket"], name="search_doc_service_ticket")]

    def __str__(self) -> str:
        return self.number


class TicketIdentity(models.Model):
    """One whole identity of a ticket (an e-mail, a login, a phone's digits), for exact look-ups
    through a plain B-tree index; substrings go through the trigram indexes instead."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    # Only ever read together with the token (search_identity_token): no index of its own.
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+",
                                db_index=False)
    token = models.CharField(max_length=254)

    class Meta:
        verbose_name = _("идентификатор в обращении")
        verbose_name_plural = _("идентификаторы в обращениях")
        indexes = [models.Index(fields=["token", "service", "ticket"], name="search_identity_token")]

    def __str__(self) -> str:
        return self.token


class ReindexCheckpoint(models.Model):
    """Where the last `reindex` run got to, so that an interrupted run resumes there."""

    name = models.CharField(max_length=40, primary_key=True)
    last_ticket_id = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("отметка переиндексации")
        verbose_name_plural = _("отметки переиндексации")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_ticket_id}"
