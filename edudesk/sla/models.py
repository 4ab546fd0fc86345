"""Working hours, calendar days, SLA policies, per-ticket clocks and in-app notifications."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service
from edudesk.sla.calendar import DayKind, parse_periods
from edudesk.tickets.models import Priority, Ticket

WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _validate_periods(value: str) -> None:
    try:
        parse_periods(value)
    except ValueError as error:
        raise ValidationError(
            _("Укажите периоды в виде «08:00-12:00, 13:00-17:00»: %(error)s"),
            params={"error": error},
        ) from error


def _hours_field(label, default: str = "08:00-17:00") -> models.CharField:
    return models.CharField(
        label,
        max_length=100,
        blank=True,
        default=default,
        validators=[_validate_periods],
        help_text=_("Например «08:00-17:00» или «08:00-12:00, 13:00-17:00»; пусто — выходной."),
    )


def default_auto_close_working_days() -> int:
    """A new service closes silent answers after EDUDESK_AUTO_CLOSE_WORKING_DAYS (its admin may
    change it per service)."""
    from django.conf import settings

    return settings.EDUDESK_AUTO_CLOSE_WORKING_DAYS


class ServiceHours(models.Model):
    """The weekly working hours of a service; its zone is the service's own time zone."""

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("сервис")
    )
    monday = _hours_field(_("понедельник"))
    tuesday = _hours_field(_("вторник"))
    wednesday = _hours_field(_("среда"))
    thursday = _hours_field(_("четверг"))
    friday = _hours_field(_("пятница"))
    saturday = _hours_field(_("суббота"), default="")
    sunday = _hours_field(_("воскресенье"), default="")
    production_calendar = models.CharField(
        _("производственный календарь"),
        max_length=20,
        blank=True,
        default="ru",
        help_text=_("Код общего календаря праздников (ru); пусто — без общего календаря."),
    )
    shortened_day_minutes = models.PositiveIntegerField(_("сокращение предпраздничного дня, мин"), default=60)
    auto_close_working_days = models.PositiveIntegerField(
        _("автозакрытие после ответа, рабочих дней"),
        default=default_auto_close_working_days,
        help_text=_("0 — не закрывать обращения автоматически."),
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("рабочее время сервиса")
        verbose_name_plural = _("рабочее время сервисов")

    def __str__(self) -> str:
        return str(self.service)

    def weekly_text(self) -> list[str]:
        return [getattr(self, name) for name in WEEKDAY_FIELDS]


class CalendarDay(models.Model):
    """An exception to the weekly hours: a holiday, a transferred day off, a working weekend.

    A day without a service belongs to a shared production calendar (`region`, e.g. ru) and
    applies to every service using it; a day with a service overrides the shared one.
    """

    class Kind(models.TextChoices):
        HOLIDAY = DayKind.HOLIDAY.value, _("праздничный день")
        NON_WORKING = DayKind.NON_WORKING.value, _("нерабочий день")
        WORKING = DayKind.WORKING.value, _("рабочий день")
        SHORTENED = DayKind.SHORTENED.value, _("сокращённый предпраздничный день")

    region = models.CharField(_("календарь"), max_length=20, blank=True, default="")
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        verbose_name=_("сервис"),
    )
    date = models.DateField(_("дата"))
    kind = models.CharField(_("вид дня"), max_length=20, choices=Kind.choices)
    periods = models.CharField(
        _("рабочие периоды"),
        max_length=100,
        blank=True,
        validators=[_validate_periods],
        help_text=_("Только для рабочего дня; пусто — обычные часы."),
    )
    note = models.CharField(_("примечание"), max_length=200, blank=True)
    source = models.CharField(_("источник"), max_length=100, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("день календаря")
        verbose_name_plural = _("дни календаря")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "date"],
                condition=models.Q(service__isnull=True),
                name="uniq_shared_calendar_day",
            ),
            models.UniqueConstraint(
                fields=["service", "date"],
                condition=models.Q(service__isnull=False),
                name="uniq_service_calendar_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.periods and self.kind != DayKind.WORKING:
            raise ValidationError(_("Свои рабочие периоды можно задать только рабочему дню."))
        if self.service_id is None and not self.region:
            raise ValidationError(_("Укажите сервис или код общего календаря."))


class ClockKind(models.TextChoices):
    REVIEW = "review", _("рассмотрение")
    FIRST_ANSWER = "first_answer", _("первый ответ")
    SOLUTION = "solution", _("решение")


class SlaPolicy(models.Model):
    """Targets in working minutes for one priority; a row without a service is the default."""

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
        verbose_name=_("сервис"),
    )
    priority = models.CharField(_("приоритет"), max_length=10, choices=Priority.choices)
    review_minutes = models.PositiveIntegerField(_("рассмотрение, рабочих минут"), default=60)
    first_answer_minutes = models.PositiveIntegerField(_("первый ответ, рабочих минут"))
    solution_minutes = models.PositiveIntegerField(_("решение, рабочих минут"))

    class Meta:
        verbose_name = _("SLA-политика")
        verbose_name_plural = _("SLA-политики")
        ordering = ["service", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["service", "priority"], name="uniq_sla_policy_service_priority"),
            models.UniqueConstraint(
                fields=["priority"],
                condition=models.Q(service__isnull=True),
                name="uniq_sla_policy_default_priority",
            ),
        ]

    def __str__(self) -> str:
        scope = self.service.code if self.service_id else _("по умолчанию")
        return f"{scope}: {self.get_priority_display()}"

    def target(self, kind: str) -> timedelta:
        return timedelta(minutes=getattr(self, f"{kind}_minutes"))


class ClockState(models.TextChoices):
    RUNNING = "running", _("идёт")
    PAUSED = "paused", _("на паузе")
    MET = "met", _("выполнено в срок")
    BREACHED = "breached", _("выполнено с нарушением срока")
    CANCELLED = "cancelled", _("отменено")


class SlaClock(models.Model):
    """One promise on one ticket: review, first answer or solution, measured in working time.

    `due_at` and `warn_at` (80% of the target) are stored for the escalation sweep's indexes;
    `paused_working` is the working time spent waiting for the customer so far.
    """

    # Indexed by uniq_sla_clock_ticket_kind (ticket, kind), not again on its own.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks",
                               db_index=False)
    kind = models.CharField(_("срок"), max_length=20, choices=ClockKind.choices)
    state = models.CharField(
        _("состояние"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    target = models.DurationField(_("норматив, рабочее время"))
    started_at = models.DateTimeField(_("начало"))
    paused_at = models.DateTimeField(_("пауза с"), null=True, blank=True)
    paused_working = models.DurationField(_("на паузе, рабочее время"), default=timedelta(0))
    due_at = models.DateTimeField(_("срок"))
    warn_at = models.DateTimeField(_("предупреждение"))
    stopped_at = models.DateTimeField(_("выполнено"), null=True, blank=True)
    breached = models.BooleanField(_("срок нарушен"), default=False)
    warned_at = models.DateTimeField(_("предупреждение отправлено"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("эскалация отправлена"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA-таймер")
        verbose_name_plural = _("SLA-таймеры")
        ordering = ["ticket", "kind"]
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="uniq_sla_clock_ticket_kind")]
        indexes = [
            # The escalation sweep walks running clocks by due and warning moments.
            models.Index(
                fields=["warn_at"],
                condition=models.Q(state="running", warned_at__isnull=True),
                name="sla_clock_to_warn",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(state="running", escalated_at__isnull=True),
                name="sla_clock_to_escalate",
            ),
            # The supervisors' board: running clocks past their warning moment, per kind.
            models.Index(
                fields=["warn_at"],
                condition=models.Q(state="running"),
                include=["id", "due_at", "kind", "ticket"],
                name="sla_clock_running_warned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in (ClockState.RUNNING, ClockState.PAUSED)


class Notification(models.Model):
    """An in-app notice for an agent or supervisor (SLA warnings and escalations)."""

    class Kind(models.TextChoices):
        SLA_WARNING = "sla_warning", _("срок под угрозой")
        SLA_BREACH = "sla_breach", _("срок нарушен")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A second sweep or consumer can never notify the same person twice.
            models.UniqueConstraint(fields=["recipient", "clock", "kind"], name="uniq_notification_per_clock")
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "id"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text
