"""Report figures: one fact per counted change, folded into daily figures per dimension.

A `Fact` is written in the same transaction as the ticket change it counts (insert only, so
concurrent changes never wait for each other). The fold moves unfolded facts into
`DailyFigure` rows, one per (day × service × line × dimension value × metric × bucket), in
one transaction with marking them folded: every fact is counted exactly once. Reports read
figures only; facts stay as the per-ticket ledger (retracting an SLA outcome on reopening
needs the fact it retracts).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Fact(models.Model):
    ticket_id = models.IntegerField()
    day = models.DateField()
    service_id = models.IntegerField()
    group_id = models.IntegerField(default=0)
    agent_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=12, blank=True)
    category = models.CharField(max_length=40, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    organisation_id = models.IntegerField(default=0)
    region = models.CharField(max_length=120, blank=True)
    metric = models.CharField(max_length=40)
    bucket = models.IntegerField(default=0)
    count = models.IntegerField(default=1)
    folded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("факт отчёта")
        verbose_name_plural = _("факты отчётов")
        indexes = [
            models.Index(fields=["ticket_id", "metric", "id"], name="report_fact_ticket"),
            # The drill-down: the tickets behind one metric over a period.
            models.Index(fields=["metric", "day", "service_id"], name="report_fact_metric_day"),
            models.Index(fields=["id"], condition=models.Q(folded=False), name="report_fact_unfolded"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.metric} {self.count:+d}"


class Figure(models.Model):
    """What a figure row counts: a slice (service, line, one dimension value), a metric and a
    bucket; its day or period is the concrete model's."""

    service_id = models.IntegerField()
    group_id = models.IntegerField(default=0)
    # "" for the totals; otherwise one of reports.dimensions.DIMENSIONS, with its value.
    dim = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=120, blank=True)
    metric = models.CharField(max_length=40)
    bucket = models.IntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DailyFigure(Figure):
    day = models.DateField()

    class Meta:
        verbose_name = _("дневной показатель")
        verbose_name_plural = _("дневные показатели")
        constraints = [
            # Also the index a report reads one slice's days by (a few edge days of a long
            # range): the day right after the slice, so those days are one narrow range of the
            # index whatever the history's length.
            models.UniqueConstraint(
                fields=["dim", "value", "service_id", "day", "metric", "group_id", "bucket"],
                name="uniq_daily_figure"),
        ]
        indexes = [
            # A breakdown reads every metric of every value of a dimension over a range of
            # days, from the index alone on PostgreSQL (INCLUDE).
            models.Index(fields=["dim", "day", "service_id"], name="daily_figure_days",
                         include=["value", "metric", "group_id", "bucket", "count"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_id}/{self.group_id} {self.dim}={self.value} {self.metric}"


class PeriodFigure(Figure):
    """The daily figures summed per week (from Monday) or calendar month: the same keys, the
    period's first day instead of the day. Kept by the same fold in the same transaction (and
    rebuilt with them), so a roll-up always equals the sum of its days' figures; a report
    reads whole weeks and months from here and only the days at the edges of its range from
    the daily figures."""

    class Grain(models.TextChoices):
        WEEK = "week", _("неделя")
        MONTH = "month", _("месяц")

    grain = models.CharField(max_length=5, choices=Grain.choices)
    start = models.DateField()

    class Meta:
        verbose_name = _("показатель за неделю или месяц")
        verbose_name_plural = _("показатели за недели и месяцы")
        constraints = [
            # Also the index a report reads a slice's periods by.
            models.UniqueConstraint(
                fields=["dim", "value", "service_id", "grain", "start", "metric", "group_id",
                        "bucket"],
                name="uniq_period_figure"),
        ]
        indexes = [
            # As daily_figure_days: whole weeks or months of the totals or of every value of a
            # dimension, from the index alone on PostgreSQL.
            models.Index(fields=["dim", "grain", "start", "service_id"], name="period_figure_periods",
                         include=["value", "metric", "group_id", "bucket", "count"]),
        ]

    def __str__(self) -> str:
        return (f"{self.grain} {self.start} {self.service_id}/{self.group_id} "
                f"{self.dim}={self.value} {self.metric}")


class SummarySubscription(models.Model):
    """A supervisor's weekly or monthly summary by mail, with the report attached as XLSX."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("еженедельно")
        MONTHLY = "monthly", _("ежемесячно")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="report_subscriptions", verbose_name=_("сотрудник"))
    frequency = models.CharField(_("как часто"), max_length=10, choices=Frequency.choices)
    # The first day of the last period summarised: a period is mailed once.
    last_period_start = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("подписка на сводку")
        verbose_name_plural = _("подписки на сводки")
        constraints = [models.UniqueConstraint(fields=["user", "frequency"],
                                               name="uniq_summary_subscription")]

    def __str__(self) -> str:
        return f"{self.user} {self.frequency}"


class SatisfactionSetting(models.Model):
    """Whether a service asks its customers to rate solved requests (on unless turned off)."""

    service = models.OneToOneField("accounts.Service", on_delete=models.CASCADE,
                                   related_name="satisfaction_setting", verbose_name=_("сервис"))
    enabled = models.BooleanField(_("спрашивать оценку решения"), default=True)

    class Meta:
        verbose_name = _("оценка решения в сервисе")
        verbose_name_plural = _("оценка решения в сервисах")

    def __str__(self) -> str:
        return str(self.service)


class Rating(models.Model):
    """The customer's rating of a solved request: 1–5 and a comment, one per ticket."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE,
                                  related_name="rating", verbose_name=_("обращение"))
    score = models.PositiveSmallIntegerField(_("оценка"))
    comment = models.TextField(_("комментарий"), blank=True)
    rated_at = models.DateTimeField(_("оценено"))
    changed_at = models.DateTimeField(_("изменено"))

    class Meta:
        verbose_name = _("оценка решения")
        verbose_name_plural = _("оценки решений")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}"


class RatingFollowUp(models.Model):
    """A low rating (1–2) for the service's supervisors to look into: open until one of them
    closes it with a note (or the customer raises the score). A rating lowered again after
    that opens a new one; at most one is open per rating."""

    class State(models.TextChoices):
        OPEN = "open", _("открыт")
        DONE = "done", _("разобран")

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="follow_ups",
                               verbose_name=_("оценка решения"))
    score = models.PositiveSmallIntegerField(_("оценка"))
    state = models.CharField(_("состояние"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("открыт"))
    closed_at = models.DateTimeField(_("закрыт"), null=True, blank=True)
    closed_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("кто закрыл"))
    note = models.TextField(_("что сделано"), blank=True)

    class Meta:
        verbose_name = _("разбор низкой оценки")
        verbose_name_plural = _("разборы низких оценок")
        constraints = [models.UniqueConstraint(fields=["rating"], condition=models.Q(state="open"),
                                               name="one_open_follow_up_per_rating")]
        indexes = [models.Index(fields=["state", "opened_at"], name="rating_follow_up_state")]

    def __str__(self) -> str:
        return f"{self.rating_id}: {self.score} {self.state}"


class ListExport(models.Model):
    """A large ticket list written to a file by a job; the file is the requester's alone and
    is removed when it expires (`list_exports.sweep`)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("выполняется")
        DONE = "done", _("готово")
        FAILED = "failed", _("ошибка")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="list_exports", verbose_name=_("сотрудник"))
    # Which list (list_exports.SOURCES) and its query as the page had it (filters, order).
    source = models.CharField(_("список"), max_length=20)
    query = models.TextField(_("запрос"), blank=True)
    file_format = models.CharField(_("формат"), max_length=4)
    language = models.CharField(max_length=10, default="ru")
    state = models.CharField(_("состояние"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    total = models.IntegerField(_("строк"), default=0)
    written = models.IntegerField(_("записано"), default=0)
    # Relative to MEDIA_ROOT, under a random folder name; "" until written.
    path = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("создано"))
    finished_at = models.DateTimeField(_("готово"), null=True, blank=True)
    expires_at = models.DateTimeField(_("хранится до"))

    class Meta:
        verbose_name = _("выгрузка списка")
        verbose_name_plural = _("выгрузки списков")
        indexes = [models.Index(fields=["expires_at"], name="list_export_expiry")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.source} {self.file_format} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.written * 100 // self.total) if self.total else 0
