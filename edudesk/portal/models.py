"""Customer sign-in: one-time e-mail links, and the nonces of widget tokens already used."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Contact, Service


class LoginLink(models.Model):
    """A one-time sign-in link sent to a contact's e-mail. Only the token's SHA-256 is kept."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="login_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ссылка для входа")
        verbose_name_plural = _("ссылки для входа")
        indexes = [models.Index(fields=["contact", "created_at"])]

    def __str__(self) -> str:
        return f"{self.contact} {self.created_at:%Y-%m-%d %H:%M}"


class WidgetNonce(models.Model):
    """A widget token's nonce, kept until the token expires: a second use is a replay."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("одноразовый код виджета")
        verbose_name_plural = _("одноразовые коды виджета")
        constraints = [
            models.UniqueConstraint(fields=["service", "nonce"], name="uniq_widget_nonce")
        ]

    def __str__(self) -> str:
        return self.nonce
