"""What the API remembers: the first result of each POST sent with an Idempotency-Key."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import ApiToken


class IdempotentRequest(models.Model):
    """One key of one token: the request it was first used for and the answer it got.

    Written in the same transaction as the request's own changes (``api/idempotency.py``), so
    a key is remembered exactly when what it created exists.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of method, path and body: the same key sent with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("повтор запроса API")
        verbose_name_plural = _("повторы запросов API")
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="uniq_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.token_id}: {self.key}"
