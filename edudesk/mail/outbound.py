"""Every outgoing mail: compose once (idempotent per event and recipient), send by job.

No mail is sent from a request: a page that queues a mail answers even when the mail
server is down, and the mail goes out when it is back (retried with growing delays).

Every mail carries the ticket tag in its subject, its own Message-ID, In-Reply-To and
References pointing at the mails of the conversation (so the user's mail program keeps
the thread), and a signed reply address. Automatic mails (registration notices, requests
for missing data) say so (Auto-Submitted) and are capped per address and hour; a mail
that cannot be delivered after its retries is marked failed on the ticket.
"""

from __future__ import annotations

import functools
import logging
import secrets
import smtplib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation

from edudesk.accounts.models import Contact, Service
from edudesk.core import memo
from edudesk.mail import mail_templates
from edudesk.mail.conf import mail_setting, reply_token_secret
from edudesk.mail.models import InboundMail, Mailbox, OutboundAttachment, OutboundMail
from edudesk.mail.reply_address import make_reply_address
from edudesk.mail.tags import tag_subject
from edudesk.tickets import events, policy
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Message, Ticket
from edudesk.tickets.types import Actor

log = logging.getLogger(__name__)

_REFERENCES_KEPT = 10
_MAX_RETRY_DELAY_SECONDS = 3600
_STALLED_BATCH = 500


@dataclass(frozen=True)
class Recipient:
    """Whom one mail goes to. Staff mail (a supervisor's notice) carries no reply address,
    stays out of the customer's thread and is never capped as an automatic reply."""

    email: str
    name: str
    language: str
    staff: bool = False

    @classmethod
    def of(cls, person: Contact | Recipient) -> Recipient:
        if isinstance(person, Recipient):
            return person
        return cls(email=person.email, name=person.full_name, language=person.language)

    @classmethod
    def staff_member(cls, user) -> Recipient:
        return cls(email=user.email, name=str(user), language=settings.LANGUAGE_CODE, staff=True)


def service_address(service: Service) -> tuple[str, Mailbox | None]:
    """The address a service writes from: its mailbox, else its support e-mail (looked up
    once per batch of mails: ``core.memo``)."""
    return memo.cached(("service_address", service.pk), lambda: _find_service_address(service))


def _find_service_address(service: Service) -> tuple[str, Mailbox | None]:
    mailbox = Mailbox.objects.filter(service_id=service.pk).order_by("id").first()
    if mailbox is not None:
        return mailbox.address, mailbox
    return service.support_email or settings.DEFAULT_FROM_EMAIL, None


def _new_message_id(prefix: str, template: str, address: str) -> str:
    domain = address.rpartition("@")[2] or "edudesk.localhost"
    return f"{prefix.lower()}.{template}.{secrets.token_hex(6)}@{domain}"


def thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for the next mail of a ticket's conversation."""
    # (time, 0 for received / 1 for sent, id, Message-ID): a notice composed in the same
    # instant as the mail it answers comes after it.
    timeline = _timeline(ticket.pk)
    timeline.sort()
    ids = list(dict.fromkeys(entry[-1] for entry in timeline))
    if not ids:
        return "", []
    references = ids if len(ids) <= _REFERENCES_KEPT else [ids[0], *ids[-(_REFERENCES_KEPT - 1):]]
    return ids[-1], references


def _timeline(ticket_id: int) -> list[tuple]:
    """The thread's entries, in one query (UNION ALL of the three) whose SQL is composed once
    per database: composing it cost more than running it (each acknowledgment asks)."""
    database = Message.objects.db
    sql, params, places = _timeline_sql(database)
    params = [ticket_id if index in places else value for index, value in enumerate(params)]
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


_ANY_TICKET = -7_314_159_265  # stands for the ticket while the SQL is composed


@functools.cache
def _timeline_sql(database: str) -> tuple[str, tuple, frozenset[int]]:
    sql, params = _timeline_query(_ANY_TICKET).query.sql_with_params()
    return sql, tuple(params), frozenset(i for i, value in enumerate(params) if value == _ANY_TICKET)


def _timeline_query(ticket_id: int):
    received = (Message.objects.filter(ticket=ticket_id).exclude(external_id="")
                .annotate(sent=Value(0)).values_list("created_at", "sent", "pk", "external_id")
                .order_by())
    # Mail received for the ticket: still this ticket's thread after a merge moved its messages.
    ledger = (InboundMail.objects.filter(ticket=ticket_id, state__in=[InboundMail.State.CREATED,
                                                                      InboundMail.State.ADDED])
              .annotate(sent=Value(0)).values_list("received_at", "sent", "pk", "message_id")
              .order_by())
    sent = (OutboundMail.objects.filter(ticket=ticket_id).exclude(state=OutboundMail.State.SUPPRESSED)
            .exclude(template__in=mail_templates.STAFF_KEYS)
            .annotate(sent=Value(1)).values_list("created_at", "sent", "pk", "message_id")
            .order_by())
    return received.union(ledger, sent, all=True)


def automatic_replies_in_last_hour(address: str, now: datetime) -> int:
    """Counted through the index on (lower(to_address), created_at) of automatic mails: the
    same few rows read at a thousand mails and at a million (``iexact`` read them all)."""
    return OutboundMail.objects.alias(address=Lower("to_address")).filter(
        address=address.lower(), automatic=True, created_at__gte=now - timedelta(hours=1)
    ).exclude(state=OutboundMail.State.SUPPRESSED).count()


def service_context(service: Service, name: str) -> dict:
    """What every mail may name: the reader, the service and how to reach its support."""
    return {
        "name": name,
        "service": service.name,
        "support_phone": service.support_phone,
        "site_url": settings.SITE_URL,
    }


def portal_url(ticket: Ticket) -> str:
    """The ticket's page in «Мои обращения»."""
    return settings.SITE_URL + reverse("portal:ticket", kwargs={
        "service": ticket.service.code, "number": ticket.number})


def ticket_context(ticket: Ticket, name: str) -> dict:
    from edudesk.core.advice import advice
    from edudesk.sla.escalation import local_text
    from edudesk.sla.notices import due_notice

    return {
        **service_context(ticket.service, name),
        "number": ticket.number,
        "created": local_text(ticket.created_at, ticket.service.time_zone),
        "portal_url": portal_url(ticket),
        "advice": advice(),
        "subject": ticket.subject,
        "status": ticket.status_label(),
        "priority": ticket.get_priority_display(),
        "due_notice": due_notice(ticket),
    }


def queue_mail(
    *,
    ticket: Ticket | None,
    recipient: Contact | Recipient,
    template: str,
    event: Event | None,
    automatic: bool,
    context: dict | Callable[[], dict] | None = None,
    now: datetime | None = None,
    service: Service | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    send_after: datetime | None = None,
) -> OutboundMail | None:
    """Compose one mail and send it after the current transaction commits.

    A mail about a ticket threads with its conversation and carries a signed reply address;
    a mail about no ticket (``ticket=None``, the ``service`` it comes from) has neither.
    Returns None when the recipient has no address or this event was already notified to
    them. An automatic mail over the hourly cap is stored as suppressed and not sent.
    ``context`` may be a callable, evaluated in the recipient's language; ``attachments``
    are (file name, content, content type), stored with the mail and sent with it.
    ``send_after``: the mail is held until then (a closing that may still be undone); at that
    time it is sent, or withdrawn when its event was undone meanwhile.
    """
    recipient = Recipient.of(recipient)
    if not recipient.email:
        return None
    now = now or timezone.now()
    if event is not None and OutboundMail.objects.filter(event=event, to_address=recipient.email).exists():
        return None
    if ticket is not None:
        # As it is now (the event may be older than the ticket's last change), with its service.
        ticket = Ticket.objects.select_related("service").get(pk=ticket.pk)
        service = ticket.service
    language = recipient.language if recipient.language in mail_templates.LANGUAGES else "ru"
    with translation.override(language):
        extra = context() if callable(context) else context
        base = (ticket_context(ticket, recipient.name) if ticket is not None
                else service_context(service, recipient.name))
        full_context = {**base, **(extra or {})}
    rendered = mail_templates.render(template, language, full_context, service_id=service.pk)
    address, _mailbox = service_address(service)
    threaded = ticket is not None and not recipient.staff
    in_reply_to, references = thread_headers(ticket) if threaded else ("", [])
    capped = (automatic and not recipient.staff
              and automatic_replies_in_last_hour(recipient.email, now)
              >= mail_setting("EDUDESK_MAIL_AUTO_REPLIES_PER_HOUR"))
    try:
        with transaction.atomic():
            outbound = OutboundMail.objects.create(
                ticket=ticket,
                event=event,
                template=template,
                automatic=automatic,
                from_address=formataddr((service.name, address)),
                reply_to=make_reply_address(address, ticket.pk, reply_token_secret())
                if threaded else "",
                to_address=recipient.email,
                subject=(tag_subject(rendered.subject, ticket.number) if ticket is not None
                         else rendered.subject)[:500],
                body_text=rendered.text,
                # Stored only when it is not the text's own (made from the text when sending).
                body_html=rendered.own_html,
                message_id=_new_message_id(ticket.number if ticket else service.code, template,
                                           address),
                in_reply_to=in_reply_to,
                references=" ".join(references),
                state=OutboundMail.State.SUPPRESSED if capped else OutboundMail.State.QUEUED,
                created_at=timezone.now(),  # after the message it answers
                send_after=send_after,
            )
            OutboundAttachment.objects.bulk_create(
                [OutboundAttachment(outbound=outbound, filename=name, content=content,
                                    content_type=content_type)
                 for name, content, content_type in attachments])
    except IntegrityError:
        return None  # another job composed this event's mail for this recipient meanwhile
    if capped:
        log.warning("automatic reply to %s suppressed: hourly cap reached", recipient.email)
    else:
        delay = int((send_after - now).total_seconds()) + 1 if send_after and send_after > now else 0
        transaction.on_commit(lambda: _enqueue_send(outbound.pk, delay=delay))
    return outbound


# Mails composed inside ``sending_together`` (per thread), sent by one job when it ends.
_together = threading.local()


@contextmanager
def sending_together() -> Iterator[None]:
    """Mails composed inside are sent by one job, over one SMTP connection, when it ends.

    The outbox runs a batch of events' handlers inside it. Durable like a job per mail: each
    mail is committed before its job is queued, and a mail whose job was lost (the consumer
    killed before the end) is queued again by ``requeue_stalled``.
    """
    if getattr(_together, "ids", None) is not None:
        yield
        return
    _together.ids = []
    try:
        yield
    finally:
        ids, _together.ids = _together.ids, None
        if ids:
            from edudesk.mail.tasks import send_outbound_many_job

            send_outbound_many_job(ids)


def _enqueue_send(outbound_id: int, delay: int = 0) -> None:
    from edudesk.mail.tasks import send_outbound_job

    if delay:
        send_outbound_job.schedule((outbound_id,), delay=delay)
    elif getattr(_together, "ids", None) is not None:
        _together.ids.append(outbound_id)
    else:
        send_outbound_job(outbound_id)


def _lease(outbound_id: int, now: datetime) -> bool:
    """Take a due mail that no other attempt holds (a conditional UPDATE); whether it was."""
    return bool(OutboundMail.objects.filter(
        Q(sending_until__isnull=True) | Q(sending_until__lt=now),
        Q(send_after__isnull=True) | Q(send_after__lte=now),
        pk=outbound_id,
        state=OutboundMail.State.QUEUED,
    ).update(sending_until=now + timedelta(seconds=mail_setting("EDUDESK_MAIL_SEND_LEASE_SECONDS")),
             attempts=F("attempts") + 1))


def _claim(outbound_id: int, now: datetime) -> OutboundMail | None:
    if not _lease(outbound_id, now):
        return None
    return OutboundMail.objects.select_related("ticket").get(pk=outbound_id)


def build_message(outbound: OutboundMail) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": f"<{outbound.message_id}>",
        # Ask Exchange and others not to answer with out-of-office replies.
        "X-Auto-Response-Suppress": "All",
    }
    if outbound.in_reply_to:
        headers["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    if outbound.references:
        headers["References"] = " ".join(f"<{i}>" for i in outbound.references.split())
    if outbound.automatic:
        headers["Auto-Submitted"] = "auto-generated"
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_address,
        to=[outbound.to_address],
        reply_to=[outbound.reply_to] if outbound.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(outbound.body_html or mail_templates.html_of_text(outbound.body_text),
                               "text/html")
    for attachment in outbound.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: doubling from the configured first delay, capped."""
    first = mail_setting("EDUDESK_MAIL_RETRY_SECONDS")
    return min(first * 2 ** max(attempts - 1, 0), _MAX_RETRY_DELAY_SECONDS)


def send_outbound_many(outbound_ids: Sequence[int]) -> list[str]:
    """One delivery attempt for each of these mails still queued, over one SMTP connection;
    the states of those attempted.

    The mails are read together (with tickets and attachments); each is leased only right
    before it is sent, so that a lease never runs out on a mail still waiting its turn (another
    attempt would send it meanwhile). A failure is the failing mail's alone; the connection is
    opened again for the next mail.
    """
    mails = list(OutboundMail.objects.select_related("ticket").prefetch_related("attachments")
                 .filter(pk__in=list(outbound_ids), state=OutboundMail.State.QUEUED).order_by("id"))
    connection = get_connection(fail_silently=False)
    _open(connection)
    states = []
    try:
        for outbound in mails:
            now = timezone.now()
            if not _lease(outbound.pk, now):
                continue  # sent, held or withdrawn meanwhile
            outbound.attempts += 1  # as the lease counted it
            state = _attempt(outbound, now, connection)
            states.append(state)
            if state not in (OutboundMail.State.SENT, OutboundMail.State.WITHDRAWN):
                connection.close()
                _open(connection)
    finally:
        connection.close()
    return states


def _open(connection) -> None:
    """Open the SMTP connection if the server answers; if not, each mail's own attempt fails
    and is retried (``send_outbound``)."""
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        connection.close()


def send_outbound(outbound_id: int, now: datetime | None = None) -> str:
    """One delivery attempt; returns the mail's state afterwards.

    A failed attempt schedules the next one with a longer delay; after the last attempt
    the mail is marked failed and an event on the ticket shows it to the agents.
    """
    now = now or timezone.now()
    outbound = _claim(outbound_id, now)
    if outbound is None:
        return OutboundMail.objects.filter(pk=outbound_id).values_list("state", flat=True).first() or ""
    return _attempt(outbound, now)


def _attempt(outbound: OutboundMail, now: datetime, connection=None) -> str:
    """Send one claimed mail (over `connection`, an open SMTP connection, when given)."""
    if outbound.send_after and outbound.event_id and policy.undone(outbound.event):
        OutboundMail.objects.filter(pk=outbound.pk).update(
            state=OutboundMail.State.WITHDRAWN, sending_until=None)
        return OutboundMail.State.WITHDRAWN
    try:
        message = build_message(outbound)
        message.connection = connection
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        return _record_failure(outbound, error, now)
    OutboundMail.objects.filter(pk=outbound.pk).update(
        state=OutboundMail.State.SENT, sent_at=timezone.now(), sending_until=None, last_error=""
    )
    return OutboundMail.State.SENT


def _record_failure(outbound: OutboundMail, error: Exception, now: datetime) -> str:
    detail = f"{type(error).__name__}: {error}"[:2000]
    log.warning("mail %s to %s not sent (attempt %s): %s", outbound.pk, outbound.to_address,
                outbound.attempts, detail)
    if outbound.attempts < mail_setting("EDUDESK_MAIL_SEND_ATTEMPTS"):
        delay = retry_delay(outbound.attempts)
        # The stalled-mail sweep leaves it to its scheduled retry until then.
        OutboundMail.objects.filter(pk=outbound.pk).update(
            last_error=detail, sending_until=None, retry_at=now + timedelta(seconds=delay))
        _enqueue_send(outbound.pk, delay=delay)
        return OutboundMail.State.QUEUED
    with transaction.atomic():
        OutboundMail.objects.filter(pk=outbound.pk).update(
            state=OutboundMail.State.FAILED, last_error=detail, sending_until=None
        )
        if outbound.ticket is None:
            return OutboundMail.State.FAILED
        events.record(outbound.ticket, EventKind.MAIL_FAILED, Actor.system(), now=now, data={
            "outbound_id": outbound.pk, "to": outbound.to_address, "error": detail,
        })
    return OutboundMail.State.FAILED


def resend(outbound: OutboundMail) -> None:
    """Queue a failed or suppressed mail again (an administrator's decision)."""
    OutboundMail.objects.filter(pk=outbound.pk).update(
        state=OutboundMail.State.QUEUED, attempts=0, sending_until=None
    )
    transaction.on_commit(lambda: _enqueue_send(outbound.pk))


def requeue_stalled(now: datetime | None = None) -> int:
    """Queue again the mails whose job was lost; returns how many.

    A mail is composed by a job and its sending job is queued after that commit, so a consumer
    killed in between, or killed while sending, leaves it queued with nobody to send it. Mails
    still in their first minute or waiting for a scheduled retry are left to their own job; a second job
    for the same mail is harmless (the claim lets one of them send).
    """
    now = now or timezone.now()
    grace = now - timedelta(seconds=getattr(settings, "EDUDESK_EFFECTS_GRACE_SECONDS", 60))
    stalled = list(OutboundMail.objects.filter(
        Q(sending_until__isnull=True, created_at__lt=grace) | Q(sending_until__lt=grace),
        Q(retry_at__isnull=True) | Q(retry_at__lt=grace),
        Q(send_after__isnull=True) | Q(send_after__lt=grace),
        state=OutboundMail.State.QUEUED,
    ).order_by("id").values_list("pk", flat=True)[:_STALLED_BATCH])
    for outbound_id in stalled:
        _enqueue_send(outbound_id)
    return len(stalled)
