"""Per-service protection settings and the database's rate-limit counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service


class ServiceProtection(models.Model):
    """Limits and framing rules of one service; an empty limit means the installation default
    (the EDUDESK_RATE_* settings, docs/security.md)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="protection",
                                   verbose_name=_("сервис"))
    form_per_address = models.PositiveIntegerField(
        _("обращений с формы и виджета с одного адреса за 10 минут"), null=True, blank=True)
    form_per_contact = models.PositiveIntegerField(
        _("обращений с формы и виджета от одного заявителя за час"), null=True, blank=True)
    api_per_token = models.PositiveIntegerField(
        _("изменяющих запросов API с одним токеном клиента в минуту"), null=True, blank=True)
    signin_links_per_address = models.PositiveIntegerField(
        _("запросов ссылки для входа с одного адреса за час"), null=True, blank=True)
    lms_origins = models.TextField(
        _("адреса СДО, которым разрешено встраивать виджет"), blank=True,
        help_text=_("По одному на строке, например https://lms.school.example. Пусто — виджет "
                    "нельзя встроить ни в один сайт."))

    class Meta:
        verbose_name = _("защита сервиса")
        verbose_name_plural = _("защита сервисов")

    def __str__(self) -> str:
        return str(self.service)

    def origins(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.lms_origins.splitlines() if line.strip()]


class RateCounter(models.Model):
    """Requests counted in one fixed window, when there is no Redis (REDIS_URL unset)."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("счётчик запросов")
        verbose_name_plural = _("счётчики запросов")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
