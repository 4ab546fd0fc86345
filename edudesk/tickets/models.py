"""Tickets, their conversation, attachments, audit events, and phone/messenger consultations."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Contact, Organisation, Service, SupportGroup
from edudesk.tickets.status import MEANINGS, OPEN_STATUSES, Status, status_label


class Priority(models.TextChoices):
    CRITICAL = "critical", _("критический")
    HIGH = "high", _("высокий")
    NORMAL = "normal", _("обычный")
    LOW = "low", _("низкий")


class Channel(models.TextChoices):
    WEB = "web", _("веб-форма")
    WIDGET = "widget", _("виджет платформы")
    EMAIL = "email", _("электронная почта")
    PHONE = "phone", _("телефон")
    MESSENGER = "messenger", _("мессенджер")
    API = "api", _("API")
    # An agent's reply, note or clarification request written in the desk (messages only).
    DESK = "desk", _("рабочее место техподдержки")


class SlaFlag(models.TextChoices):
    NONE = "", _("в срок")
    AT_RISK = "at_risk", _("под угрозой")
    BREACHED = "breached", _("просрочено")


class TicketNumber(models.Model):
    """One row per allocated ticket number: the database's sequence hands out unique values.

    Gaps (a rolled-back creation) are harmless; duplicates are impossible because the value
    comes from the primary-key sequence, never from max()+1.
    """

    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("выданный номер обращения")
        verbose_name_plural = _("выданные номера обращений")

    def __str__(self) -> str:
        return str(self.pk)


class Consultation(models.Model):
    """A phone call or messenger chat logged by an agent: not an official request until converted."""

    class ConsultationChannel(models.TextChoices):
        PHONE = "phone", _("телефон")
        MESSENGER = "messenger", _("мессенджер")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="consultations",
                                verbose_name=_("сервис"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="consultations", verbose_name=_("специалист"))
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="consultations", verbose_name=_("контакт"))
    caller_name = models.CharField(_("кто обратился"), max_length=300, blank=True)
    contact_info = models.CharField(_("контакт для связи"), max_length=300, blank=True)
    channel = models.CharField(_("канал"), max_length=20, choices=ConsultationChannel.choices,
                               default=ConsultationChannel.PHONE)
    topic = models.CharField(_("тема"), max_length=300)
    notes = models.TextField(_("заметки"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("длительность, мин"), null=True, blank=True)
    outcome = models.CharField(_("результат"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("создана"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("консультация")
        verbose_name_plural = _("консультации")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.topic}"


# Same form as the queue filters, so the planner can match the partial indexes.
_OPEN = models.Q(status__in=sorted(OPEN_STATUSES))


class Ticket(models.Model):
    number = models.CharField(_("номер"), max_length=20, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets",
                                verbose_name=_("сервис"))
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="tickets", verbose_name=_("организация"))
    requester = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="tickets",
                                  verbose_name=_("заявитель"))
    subject = models.CharField(_("тема"), max_length=300)
    # The description is the opening message's text (``Message.opens``), kept once.
    category = models.CharField(_("категория"), max_length=40, blank=True)
    priority = models.CharField(_("приоритет"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    status = models.CharField(_("статус"), max_length=24, choices=Status.choices,
                              default=Status.REGISTERED)
    channel = models.CharField(_("канал"), max_length=12, choices=Channel.choices)
    group = models.ForeignKey(SupportGroup, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="tickets", verbose_name=_("линия"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="assigned_tickets",
                                 verbose_name=_("исполнитель"))
    # The structured data of the request, exactly as submitted through the service's form.
    fields = models.JSONField(_("данные обращения"), default=dict, blank=True)
    consultation = models.OneToOneField(Consultation, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="ticket",
                                        verbose_name=_("консультация"))
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="merged_duplicates",
                                    verbose_name=_("объединено с"))
    # SLA results kept on the ticket for indexing and sorting (the sla app computes them).
    review_due_at = models.DateTimeField(_("срок рассмотрения"), null=True, blank=True)
    due_at = models.DateTimeField(_("срок исполнения"), null=True, blank=True)
    sla_flag = models.CharField(_("SLA"), max_length=10, choices=SlaFlag.choices, blank=True,
                                default=SlaFlag.NONE)
    reviewed_at = models.DateTimeField(_("рассмотрено"), null=True, blank=True)
    answered_at = models.DateTimeField(_("ответ дан"), null=True, blank=True)
    closed_at = models.DateTimeField(_("закрыто"), null=True, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    updated_at = models.DateTimeField(_("обновлено"), default=timezone.now)

    class Meta:
        verbose_name = _("обращение")
        verbose_name_plural = _("обращения")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["service", "status", "id"], name="ticket_service_status"),
            models.Index(fields=["status", "review_due_at", "id"], name="ticket_review_queue"),
            models.Index(fields=["status", "due_at", "id"], name="ticket_due_queue"),
            models.Index(fields=["assignee", "status", "id"], name="ticket_assignee_status"),
            models.Index(fields=["group", "status", "id"], name="ticket_group_status"),
            models.Index(fields=["requester", "status", "id"], name="ticket_requester_status"),
            models.Index(fields=["organisation", "status", "id"], name="ticket_org_status"),
            models.Index(fields=["updated_at", "id"], name="ticket_updated"),
            models.Index(fields=["status", "updated_at", "id"], name="ticket_status_updated"),
            # The customer's «Мои обращения», most recently updated first.
            models.Index(fields=["requester", "updated_at", "id"], name="ticket_requester_updated"),
            # The agent workspace's personal, line and at-risk queues, open tickets only.
            models.Index(fields=["assignee", "due_at", "id"], condition=_OPEN,
                         name="ticket_assignee_due_open"),
            models.Index(fields=["group", "due_at", "id"], condition=_OPEN,
                         name="ticket_group_due_open"),
            # A new request is compared with its service's open requests of the last minutes
            # (incidents.proposals): a range per open status, not every open ticket sorted.
            # ticket_open_counts below has the same columns but cannot stand in (EXPLAIN at
            # 100k): PostgreSQL drops the status condition its predicate implies and walks
            # every open ticket of the service; SQLite falls back to ticket_service_status.
            models.Index(fields=["service", "status", "created_at"], name="ticket_service_created"),
            models.Index(fields=["due_at", "id"], name="ticket_at_risk_due",
                         condition=_OPEN & models.Q(sla_flag__in=["at_risk", "breached"])),
            # The desk's capped count of «Под угрозой» per served service: an index-only scan
            # that stops at the cap (without it PostgreSQL may bitmap-scan every flagged ticket).
            models.Index(fields=["service", "id"], name="ticket_at_risk_service",
                         condition=_OPEN & models.Q(sla_flag__in=["at_risk", "breached"])),
            # The supervisors' board and the backlog by age count open tickets per line, status,
            # assignee and creation time: from the index alone on PostgreSQL.
            models.Index(fields=["service", "status", "created_at"], condition=_OPEN,
                         name="ticket_open_counts",
                         include=["id", "group", "assignee", "updated_at", "sla_flag"]),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def description(self) -> str:
        """The text the ticket was opened with: the body of its opening message
        (``Message.opens``). Querysets that read it load it in the same query
        (``selectors.with_description``); otherwise it is read once, on first use."""
        if "_description" not in self.__dict__:
            bodies = Message.objects.filter(opens_id=self.pk).order_by().values_list("body", flat=True)
            self._description = next(iter(bodies[:1]), "")
        return self._description

    @description.setter
    def description(self, value: str) -> None:
        self._description = value

    def status_label(self) -> str:
        """The status's name (``status.status_label``); a merged duplicate is
        «объединено с INC…», not «Обращение отменено» (which the seed keeps for the customer's
        own cancellation)."""
        if self.merged_into_id:
            return _("Объединено с %(number)s") % {"number": self.merged_into.number}
        return status_label(self.status)

    def status_meaning(self) -> str:
        """What the status means to the customer (seed 2's words; a merged duplicate: where to
        follow the solution)."""
        if self.merged_into_id:
            return _("В обращениях описана одна проблема: следите за решением в обращении "
                     "%(number)s.") % {"number": self.merged_into.number}
        return str(MEANINGS.get(self.status, ""))


class Message(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("публичное сообщение")
        INTERNAL = "internal", _("внутренняя заметка")
        SYSTEM = "system", _("системное сообщение")

    # Indexed by message_ticket (ticket, created_at, id), not again on its own.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages",
                               db_index=False)
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    author_contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    body = models.TextField(_("текст"))
    # Sanitised HTML for display (mail with formatting); empty when the text is plain.
    body_html = models.TextField(blank=True)
    channel = models.CharField(_("канал"), max_length=12, choices=Channel.choices, blank=True)
    # The Message-ID of the mail this message came from or was sent as (most messages have
    # none: the index holds only those that have one).
    external_id = models.CharField(max_length=255, blank=True)
    # Set on a ticket's opening message only: its body is that ticket's description. It stays
    # when a merge moves the message into the original ticket (``ticket`` changes, not this).
    opens = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                              db_index=False, related_name="+", related_query_name="opening",
                              verbose_name=_("открывает обращение"))
    created_at = models.DateTimeField(_("создано"), default=timezone.now)

    class Meta:
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")
        ordering = ["created_at", "id"]
        constraints = [
            # One opening message per ticket; the index holds opening messages only.
            models.UniqueConstraint(fields=["opens"], condition=models.Q(opens__isnull=False),
                                    name="message_opens"),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="message_ticket"),
            # Mail threading looks up Message-IDs (with the same condition, so the planners
            # match this partial index).
            models.Index(fields=["external_id"], condition=~models.Q(external_id=""),
                         name="message_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} #{self.pk}"

    @property
    def is_from_customer(self) -> bool:
        return self.author_contact_id is not None


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.ticket.number}/{instance.ordinal}-{filename}"


class Attachment(models.Model):
    """A screenshot (re-encoded JPEG or PNG), named «картинкаN» within its ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="attachments")
    ordinal = models.PositiveIntegerField()
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("вложение")
        verbose_name_plural = _("вложения")
        ordering = ["ordinal"]
        constraints = [models.UniqueConstraint(fields=["ticket", "ordinal"],
                                               name="uniq_attachment_ordinal")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _("картинка%(n)s") % {"n": self.ordinal}


class Event(models.Model):
    """Every change of a ticket: who, what, old and new values, when (same transaction)."""

    # Indexed by event_ticket (ticket, id), not again on its own.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events",
                               db_index=False)
    # Not indexed: every query by kind is also by ticket (event_ticket), and the newest events
    # are read backwards along the primary key.
    kind = models.CharField(max_length=40)
    actor_kind = models.CharField(max_length=10)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    actor_contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("событие")
        verbose_name_plural = _("события")
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="event_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class TicketLink(models.Model):
    """Two related tickets (not duplicates): shown on both sides."""

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("связь обращений")
        verbose_name_plural = _("связи обращений")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="uniq_ticket_link"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")),
                                   name="ticket_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class PendingEffect(models.Model):
    """The transactional outbox: after-commit work an event still owes (mail, search, webhooks).

    Written in the same transaction as its event, so a process that dies after the commit
    cannot lose it; deleted once every handler named in ``handlers`` has run. A periodic sweep
    dispatches again what is not finished (see ``tickets/outbox.py``).
    """

    # The event whose subscribers still owe work; empty for a durable job of its own
    # (``outbox.defer``: a sign-in link's mail), which names its one function in ``handlers``.
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="pending_effect",
                                 null=True, blank=True)
    # Names of the subscribers (events.handler_name) that have not run yet.
    handlers = models.JSONField(default=list)
    # A durable job's keyword arguments (JSON: ids and strings, never objects).
    payload = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # The sweep leaves the entry alone until then: the after-commit dispatch's grace period,
    # then the back-off after a failure.
    run_after = models.DateTimeField(default=timezone.now)
    # A dispatch in progress holds the entry until then (claimed by a conditional UPDATE).
    lease_until = models.DateTimeField(null=True, blank=True)
    # Given up after too many failures: kept for an administrator to look at and retry.
    failed = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("отложенное действие")
        verbose_name_plural = _("отложенные действия")
        ordering = ["id"]
        indexes = [models.Index(fields=["failed", "run_after"], name="pending_effect_due")]

    def __str__(self) -> str:
        return f"{self.event_id or '—'}: {', '.join(self.handlers)}"
