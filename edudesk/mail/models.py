"""Mailboxes, the ledger of every mail received, outbound mail, and editable mail templates."""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service, SupportGroup
from edudesk.core.fields import CompressedBinaryField
from edudesk.tickets.models import Event, Message, Ticket

MESSAGE_ID_LENGTH = 255


def ledger_message_id(message_id: str) -> str:
    """A Message-ID that fits the unique column: very long ones keep a prefix and a hash."""
    if len(message_id) <= MESSAGE_ID_LENGTH:
        return message_id
    digest = hashlib.sha256(message_id.encode()).hexdigest()
    return f"{message_id[:MESSAGE_ID_LENGTH - 65]}#{digest}"


class Mailbox(models.Model):
    """A support address: polled over IMAP, or fed by the MTA (LMTP, ``receive_mail``)."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS")
        STARTTLS = "starttls", _("STARTTLS")
        NONE = "none", _("без шифрования")

    class AfterProcessing(models.TextChoices):
        MOVE = "move", _("пометить и переместить в папку")
        FLAG = "flag", _("пометить и оставить во входящих")
        DELETE = "delete", _("удалить с сервера")

    name = models.CharField(_("название"), max_length=200)
    address = models.EmailField(_("адрес техподдержки"), unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="mailboxes",
                                verbose_name=_("сервис"))
    group = models.ForeignKey(SupportGroup, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="mailboxes", verbose_name=_("линия по умолчанию"))
    polling_enabled = models.BooleanField(_("забирать почту по IMAP"), default=False)
    host = models.CharField(_("IMAP-сервер"), max_length=255, blank=True)
    port = models.PositiveIntegerField(_("порт"), default=993)
    security = models.CharField(_("шифрование"), max_length=10, choices=Security.choices,
                                default=Security.SSL)
    username = models.CharField(_("имя пользователя"), max_length=255, blank=True)
    # Never logged or shown: the admin form has a write-only field for it.
    password = models.CharField(_("пароль"), max_length=255, blank=True)
    folder = models.CharField(_("папка"), max_length=255, default="INBOX")
    after_processing = models.CharField(_("после обработки"), max_length=10,
                                        choices=AfterProcessing.choices,
                                        default=AfterProcessing.MOVE)
    processed_folder = models.CharField(_("папка для обработанных"), max_length=255,
                                        default="edudesk/processed")
    poll_interval_seconds = models.PositiveIntegerField(_("интервал опроса, с"), default=60)
    last_polled_at = models.DateTimeField(_("последний опрос"), null=True, blank=True)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    # A poll in progress holds the mailbox until this time (claimed by a conditional UPDATE).
    poll_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("почтовый ящик")
        verbose_name_plural = _("почтовые ящики")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def __repr__(self) -> str:
        # Credentials stay out of tracebacks and logs.
        return f"<Mailbox {self.pk} {self.address} {self.username}@{self.host}:{self.port}>"


class InboundMail(models.Model):
    """The ledger: every mail received, once per Message-ID, with its raw bytes and fate."""

    class State(models.TextChoices):
        CREATED = "created", _("зарегистрировано обращение")
        ADDED = "added", _("добавлено к обращению")
        HELD = "held", _("ожидает решения специалиста")
        BOUNCE = "bounce", _("недоставленное письмо")
        NOISE = "noise", _("автоответ или рассылка")
        REFUSED = "refused", _("отклонено")
        QUARANTINED = "quarantined", _("карантин")

    message_id = models.CharField(_("Message-ID"), max_length=MESSAGE_ID_LENGTH, unique=True)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="inbound_mails", verbose_name=_("почтовый ящик"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="inbound_mails",
                                verbose_name=_("сервис"))
    source = models.CharField(_("источник"), max_length=20)  # imap, lmtp, pipe, admin
    # Kept compressed (edudesk.core.fields): read back as the bytes received.
    raw = CompressedBinaryField(_("исходное письмо"))
    size = models.PositiveIntegerField(_("размер, байт"))
    from_address = models.CharField(_("отправитель"), max_length=320, blank=True)
    subject = models.CharField(_("тема"), max_length=500, blank=True)
    state = models.CharField(_("результат"), max_length=12, choices=State.choices)
    detail = models.TextField(_("подробности"), blank=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="inbound_mails", verbose_name=_("обращение"))
    # Not "message": its column would clash with the Message-ID field.
    ticket_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="inbound_mails", verbose_name=_("сообщение"))
    attempts = models.PositiveIntegerField(_("попыток обработки"), default=1)
    # Another mail with other content already came under this Message-ID: this one is stored
    # under "<Message-ID>#<content hash>" (some mailers reuse IDs; no mail is dropped).
    reused_message_id = models.BooleanField(_("Message-ID уже был у другого письма"),
                                            default=False)
    received_at = models.DateTimeField(_("получено"), default=timezone.now)
    processed_at = models.DateTimeField(_("обработано"), default=timezone.now)

    class Meta:
        verbose_name = _("входящее письмо")
        verbose_name_plural = _("входящие письма")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "id"], name="inbound_state"),
            models.Index(fields=["from_address", "received_at"], name="inbound_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class MailLocation(models.Model):
    """Where a ledger entry was seen on an IMAP server: acknowledging it again is safe."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="locations")
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    inbound = models.ForeignKey(InboundMail, on_delete=models.CASCADE, related_name="locations")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("место письма на сервере IMAP")
        verbose_name_plural = _("места писем на сервере IMAP")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"],
                                    name="uniq_mail_location"),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox_id}/{self.uidvalidity}/{self.uid}"


class OutboundMail(models.Model):
    """Every mail edudesk sends: a notification about a ticket (its Message-ID threads the
    replies), or a mail about no ticket (the portal's sign-in link)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        SENT = "sent", _("отправлено")
        FAILED = "failed", _("не отправлено")
        SUPPRESSED = "suppressed", _("не отправлено: ограничение автоответов")
        BOUNCED = "bounced", _("не доставлено")
        # About a closing undone while the mail was held (tickets.policy.undoable_close).
        WITHDRAWN = "withdrawn", _("не отправлено: действие отменено")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="outbound_mails",
                               null=True, blank=True, verbose_name=_("обращение"))
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="outbound_mails")
    template = models.CharField(_("шаблон"), max_length=40)
    automatic = models.BooleanField(_("автоматическое"), default=True)
    from_address = models.CharField(_("от"), max_length=320)
    reply_to = models.CharField(_("адрес для ответа"), max_length=320, blank=True)
    to_address = models.CharField(_("кому"), max_length=320)
    subject = models.CharField(_("тема"), max_length=500)
    body_text = models.TextField(_("текст"))
    body_html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=MESSAGE_ID_LENGTH, unique=True)
    in_reply_to = models.CharField(max_length=MESSAGE_ID_LENGTH, blank=True)
    references = models.TextField(blank=True)
    state = models.CharField(_("состояние"), max_length=12, choices=State.choices,
                             default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("попыток"), default=0)
    # A delivery attempt in progress holds the mail until then (claimed by a conditional UPDATE).
    sending_until = models.DateTimeField(null=True, blank=True, editable=False)
    # After a failed attempt: when the next one is due (the stalled-mail sweep waits for it).
    retry_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Held until then: a mail about a closing that may still be undone (nothing is sent before).
    send_after = models.DateTimeField(_("не раньше"), null=True, blank=True)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)

    class Meta:
        verbose_name = _("исходящее письмо")
        verbose_name_plural = _("исходящие письма")
        ordering = ["-id"]
        constraints = [
            # One notification per event and recipient: a re-run job never sends twice.
            models.UniqueConstraint(fields=["event", "to_address"], name="uniq_outbound_per_event"),
        ]
        indexes = [
            # The hourly cap on automatic replies per address (outbound.automatic_replies_in_last_hour).
            models.Index(Lower("to_address"), "created_at", condition=models.Q(automatic=True),
                         name="outbound_auto_rate"),
            models.Index(fields=["ticket", "id"], name="outbound_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"


class MailTemplate(models.Model):
    """The text of one notification in one language, editable by administrators."""

    class Key(models.TextChoices):
        REGISTERED = "registered", _("обращение зарегистрировано")
        NEEDS_DATA = "needs_data", _("обращение зарегистрировано, нужны данные")
        AGENT_REPLY = "agent_reply", _("ответ специалиста")
        CLARIFICATION = "clarification", _("запрос уточнения")
        STATUS_CHANGED = "status_changed", _("изменение статуса")
        CLOSED = "closed", _("обращение закрыто")
        FILES_REFUSED = "files_refused", _("вложения не приняты")
        MERGED = "merged", _("обращение объединено с другим")
        REPEAT_ADDED = "repeat_added", _("повторное обращение добавлено к открытому")
        KNOWN_PROBLEM = "known_problem", _("обращение зарегистрировано: известная проблема")
        INCIDENT_LINKED = "incident_linked", _("обращение связано с известной проблемой")
        INCIDENT_RESOLVED = "incident_resolved", _("известная проблема устранена")
        SIGN_IN_LINK = "signin_link", _("ссылка для входа в «Мои обращения»")
        SLA_WARNING = "sla_warning", _("руководителю: срок под угрозой")
        SLA_BREACHED = "sla_breached", _("руководителю: срок нарушен")
        REPORT_SUMMARY = "report_summary", _("руководителю: сводка отчёта")
        LOW_RATING = "low_rating", _("руководителю: низкая оценка решения")

    key = models.CharField(_("уведомление"), max_length=20, choices=Key.choices)
    language = models.CharField(_("язык"), max_length=8, default="ru")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="mail_templates", verbose_name=_("сервис"),
                                help_text=_("Пусто — для всех сервисов."))
    subject = models.CharField(_("тема"), max_length=300)
    body_text = models.TextField(_("текст"))
    body_html = models.TextField(_("HTML"), blank=True)
    # The fingerprint of the default text edudesk last wrote into this row (``content_digest``);
    # empty for a row it did not write. A row whose text no longer matches it was edited by an
    # administrator, and ``reset_mail_templates`` keeps it unless forced.
    default_digest = models.CharField(_("отпечаток исходного текста"), max_length=64, blank=True,
                                      editable=False)

    class Meta:
        verbose_name = _("шаблон письма")
        verbose_name_plural = _("шаблоны писем")
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language", "service"],
                                    name="uniq_mail_template"),
            models.UniqueConstraint(fields=["key", "language"],
                                    condition=models.Q(service__isnull=True),
                                    name="uniq_mail_template_default"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"

    @staticmethod
    def content_digest(subject: str, body_text: str, body_html: str = "") -> str:
        return hashlib.sha256("\x00".join((subject, body_text, body_html)).encode()).hexdigest()

    @property
    def edited(self) -> bool:
        """Whether the row says something other than the default edudesk last gave it."""
        return self.default_digest != self.content_digest(self.subject, self.body_text,
                                                          self.body_html)


class OutboundAttachment(models.Model):
    """A file sent with an outbound mail (a supervisor's report summary as XLSX)."""

    outbound = models.ForeignKey(OutboundMail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("вложение исходящего письма")
        verbose_name_plural = _("вложения исходящих писем")

    def __str__(self) -> str:
        return self.filename
