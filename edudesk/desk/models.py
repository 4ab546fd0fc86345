"""Desk data: saved queue filters, queue preferences, canned responses, who is looking at a ticket."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service
from edudesk.tickets.models import Ticket


class SavedFilter(models.Model):
    """A queue with filters an agent named and keeps in the sidebar."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="saved_filters", verbose_name=_("сотрудник"))
    name = models.CharField(_("название"), max_length=100)
    # The queue's query string (queue=…&service=…&status=…), replayed as it was saved.
    query = models.CharField(_("параметры"), max_length=1000)
    created_at = models.DateTimeField(_("создан"), default=timezone.now)

    class Meta:
        verbose_name = _("сохранённый фильтр")
        verbose_name_plural = _("сохранённые фильтры")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="uniq_saved_filter_name")]

    def __str__(self) -> str:
        return self.name


class QueuePreference(models.Model):
    """How an agent likes the queue laid out, kept across devices and sessions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="queue_preference", verbose_name=_("сотрудник"))
    dense = models.BooleanField(_("плотный список"), default=False)

    class Meta:
        verbose_name = _("вид очереди")
        verbose_name_plural = _("вид очереди")

    def __str__(self) -> str:
        return str(self.user)


class CannedResponse(models.Model):
    """A ready answer; {number}, {name} and {due} are filled from the ticket when inserted."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="canned_responses", verbose_name=_("сервис"),
                                help_text=_("Пусто — для всех сервисов."))
    title = models.CharField(_("название"), max_length=200)
    body = models.TextField(_("текст"), help_text=_("Можно использовать {number}, {name} и {due}."))
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("шаблон ответа")
        verbose_name_plural = _("шаблоны ответов")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TicketPresence(models.Model):
    """The last sign of an agent on a ticket page: viewing it, or typing a reply."""

    class Activity(models.TextChoices):
        VIEWING = "viewing", _("просматривает")
        REPLYING = "replying", _("пишет ответ")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.CharField(max_length=10, choices=Activity.choices, default=Activity.VIEWING)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("присутствие на странице обращения")
        verbose_name_plural = _("присутствие на страницах обращений")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="uniq_presence")]
        indexes = [models.Index(fields=["ticket", "seen_at"], name="presence_ticket_seen")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.ticket_id} {self.activity}"

