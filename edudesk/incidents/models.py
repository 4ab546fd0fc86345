"""Mass incidents: one outage many people report, answered once for all of them.

An agent declares an ``Incident`` (from a ticket or from several); the tickets it covers are its
children (``IncidentChild``), each keeping its own number, history and SLA record. New requests
that read like an active incident are linked to it at intake, or suggested to the agent
(``IncidentSuggestion``). The desk proposes an incident when similar requests from several
organisations arrive within a short window (``IncidentProposal``, thresholds per service in
``IncidentPolicy``).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Organisation, Service
from edudesk.tickets.models import Ticket


class ChildSla(models.TextChoices):
    PAUSE = "pause", _("приостановить сроки обращений")
    KEEP = "keep", _("сроки обращений идут как обычно")


class IncidentPolicy(models.Model):
    """A service's rules for mass incidents (a service without a row uses the defaults)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="incident_policy",
                                   verbose_name=_("сервис"))
    propose_min_tickets = models.PositiveIntegerField(
        _("предлагать инцидент от, обращений"), default=5,
        help_text=_("Сколько похожих обращений за окно времени делают инцидент вероятным."))
    propose_min_organisations = models.PositiveIntegerField(
        _("из разных организаций, не меньше"), default=3)
    propose_window_minutes = models.PositiveIntegerField(_("окно, минут"), default=60)
    child_sla = models.CharField(_("сроки связанных обращений"), max_length=8,
                                 choices=ChildSla.choices, default=ChildSla.PAUSE)

    class Meta:
        verbose_name = _("правила массовых инцидентов")
        verbose_name_plural = _("правила массовых инцидентов")

    def __str__(self) -> str:
        return str(self.service)


class Incident(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("действует")
        RESOLVED = "resolved", _("устранён")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="incidents",
                                verbose_name=_("сервис"))
    title = models.CharField(_("заголовок"), max_length=200)
    public_text = models.TextField(_("текст для пользователей"))
    # The category the «У меня та же проблема» request is filed under (the form's, by default
    # the first declared ticket's).
    category = models.CharField(_("категория обращений"), max_length=40, blank=True)
    regions = models.JSONField(_("затронутые регионы"), default=list, blank=True)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="incidents",
                                           verbose_name=_("затронутые организации"))
    started_at = models.DateTimeField(_("начало"), default=timezone.now)
    state = models.CharField(_("состояние"), max_length=10, choices=State.choices,
                             default=State.ACTIVE)
    child_sla = models.CharField(_("сроки связанных обращений"), max_length=8,
                                 choices=ChildSla.choices, default=ChildSla.PAUSE)
    closing_text = models.TextField(_("текст о решении"), blank=True)
    resolved_at = models.DateTimeField(_("устранён"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("объявил"))
    created_at = models.DateTimeField(_("объявлен"), default=timezone.now)

    class Meta:
        verbose_name = _("массовый инцидент")
        verbose_name_plural = _("массовые инциденты")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["service", "state", "started_at"], name="incident_service_state")]

    def __str__(self) -> str:
        return f"{self.label}: {self.title}"

    @property
    def label(self) -> str:
        return f"МИ-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class IncidentChild(models.Model):
    """A ticket covered by an incident (a ticket belongs to at most one)."""

    class How(models.TextChoices):
        DECLARED = "declared", _("при объявлении")
        AUTOMATIC = "automatic", _("автоматически при регистрации")
        AGENT = "agent", _("специалистом")
        CUSTOMER = "customer", _("заявителем: «У меня та же проблема»")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="children")
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="incident_link")
    how = models.CharField(max_length=10, choices=How.choices)
    score = models.FloatField(null=True, blank=True)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("связанное обращение")
        verbose_name_plural = _("связанные обращения")
        ordering = ["incident", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} ← {self.ticket_id}"


class IncidentUpdate(models.Model):
    """What an agent told every child ticket (an update, or the closing text).

    Posted to the children by a background job, in batches (``incidents.fan_out``): the page
    shows how far it got (``children_told`` of ``children_total``) until ``finished_at``.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    body = models.TextField(_("текст"))
    resolves = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    children_told = models.PositiveIntegerField(default=0)
    # The open children when it was posted; those closed meanwhile are not told.
    children_total = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A fan-out job holds it until then (a lost job's work is taken up again after it).
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("сообщение об инциденте")
        verbose_name_plural = _("сообщения об инцидентах")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.body[:40]}"


class IncidentDelivery(models.Model):
    """One child told one update: written with the child's message, so a retried job skips it."""

    update = models.ForeignKey(IncidentUpdate, on_delete=models.CASCADE, related_name="deliveries")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("доставка сообщения об инциденте")
        verbose_name_plural = _("доставки сообщений об инцидентах")
        constraints = [models.UniqueConstraint(fields=["update", "ticket"],
                                               name="uniq_incident_delivery")]

    def __str__(self) -> str:
        return f"{self.update_id} → {self.ticket_id}"


class IncidentEdit(models.Model):
    """An agent changed what was declared (title, text, scope, start): the incident's timeline
    keeps each change, ``{field: [before, after]}``."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="edits")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("правка инцидента")
        verbose_name_plural = _("правки инцидентов")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {', '.join(self.changes)}"

    def described(self) -> list[tuple[str, str, str]]:
        """(field's name, before, after) of each change, as the timeline shows them."""
        rows = []
        for name, (before, after) in self.changes.items():
            label = str(Incident._meta.get_field(name).verbose_name)
            rows.append((label, _shown(name, before), _shown(name, after)))
        return rows


def _shown(name: str, value) -> str:
    if name == "started_at" and value:
        moment = timezone.localtime(datetime.fromisoformat(value))
        return moment.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, list):
        return "; ".join(value) or "—"
    return str(value or "—")


class IncidentSuggestion(models.Model):
    """A new request that reads like an active incident, not confidently enough to link it."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="suggestions")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="incident_suggestions")
    score = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("предполагаемая связь с инцидентом")
        verbose_name_plural = _("предполагаемые связи с инцидентами")
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "ticket"],
                                               name="uniq_incident_suggestion")]

    def __str__(self) -> str:
        return f"{self.incident_id} ? {self.ticket_id}"


class IncidentProposal(models.Model):
    """Similar requests from several organisations in a short window: maybe one outage."""

    class State(models.TextChoices):
        OPEN = "open", _("ждёт решения")
        DECLARED = "declared", _("объявлен инцидент")
        DISMISSED = "dismissed", _("отклонено")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="incident_proposals")
    tickets = models.ManyToManyField(Ticket, related_name="incident_proposals")
    organisations = models.PositiveIntegerField(default=0)
    sample = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("предложение объявить инцидент")
        verbose_name_plural = _("предложения объявить инцидент")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["service", "state"], name="incident_proposal_state")]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.sample[:40]}"
