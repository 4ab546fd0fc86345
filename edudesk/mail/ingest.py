"""Storing one received mail: exactly once per Message-ID, whole or not at all.

Every channel (IMAP poller, LMTP endpoint, ``receive_mail``) hands the raw bytes to
``ingest``. In one transaction it claims the Message-ID in the ledger (a second consumer
waits on the unique index, then sees a duplicate; a different mail under a known Message-ID
is stored under an id of its own and flagged, see ``identity``), applies the mail to the tickets and
records the outcome. A database failure rolls everything back and raises
``TemporaryFailure`` (the caller leaves the mail on the server or tells the MTA to retry);
any other failure keeps the raw bytes in quarantine for an administrator.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.accounts.models import Service
from edudesk.mail.conf import mail_setting
from edudesk.mail.identity import reused_ledger_id, same_mail
from edudesk.mail.models import InboundMail, Mailbox, MailLocation, ledger_message_id
from edudesk.mail.parsing import (
    GENERATED_ID_DOMAIN,
    MailAddress,
    MailParseError,
    ParsedMail,
    parse_mail,
)
from edudesk.mail.process import add_held_mail, process_mail
from edudesk.tickets import events
from edudesk.tickets.events import EventKind
from edudesk.tickets.types import Actor

log = logging.getLogger(__name__)
State = InboundMail.State
TEMPORARY_ERRORS = (OperationalError, InterfaceError)


class TemporaryFailure(Exception):
    """Nothing was stored because the database (or a service it needs) failed; retry later."""


@dataclass(frozen=True)
class ImapLocation:
    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class IngestResult:
    inbound_id: int
    state: str
    duplicate: bool = False
    ticket_id: int | None = None


def _result(row: InboundMail, duplicate: bool = False) -> IngestResult:
    return IngestResult(row.pk, row.state, duplicate, row.ticket_id)


def _parse(raw: bytes) -> tuple[ParsedMail | None, str]:
    """The parsed mail, or None and the reason it cannot be processed."""
    limit = mail_setting("EDUDESK_MAIL_MAX_BYTES")
    if len(raw) > limit:
        return None, _("Письмо больше допустимого размера (%(size)d > %(limit)d байт).") % {
            "size": len(raw), "limit": limit}
    try:
        return parse_mail(raw), ""
    except MailParseError as error:
        return None, _("Письмо не удалось разобрать: %(error)s") % {"error": error}
    except Exception as error:  # a parser bug must not make the mail a poison pill
        log.exception("mail could not be parsed")
        return None, _("Письмо не удалось разобрать: %(error)s") % {
            "error": f"{type(error).__name__}: {error}"}


def _fallback_message_id(raw: bytes) -> str:
    return f"{hashlib.sha256(raw).hexdigest()[:40]}@{GENERATED_ID_DOMAIN}"


def _remember_location(row: InboundMail, mailbox: Mailbox | None,
                       location: ImapLocation | None) -> None:
    if mailbox is None or location is None:
        return
    MailLocation.objects.get_or_create(
        mailbox=mailbox, uidvalidity=location.uidvalidity, uid=location.uid,
        defaults={"inbound": row},
    )


def ingest(raw: bytes, *, service: Service, source: str, mailbox: Mailbox | None = None,
           location: ImapLocation | None = None, now: datetime | None = None) -> IngestResult:
    """Store one mail once; see the module docstring for the guarantees."""
    now = now or timezone.now()
    mail, problem = _parse(raw)
    message_id = ledger_message_id(mail.message_id if mail else _fallback_message_id(raw))
    try:
        try:
            return _ingest_once(raw, mail, problem, message_id, service, source, mailbox,
                                location, now)
        except IntegrityError:
            if not InboundMail.objects.filter(
                    message_id__in=[message_id, reused_ledger_id(message_id, raw)]).exists():
                raise
            # Another consumer stored this Message-ID meanwhile: compare with what it stored.
            return _ingest_once(raw, mail, problem, message_id, service, source, mailbox,
                                location, now)
    except TEMPORARY_ERRORS as error:
        raise TemporaryFailure(str(error)) from error
    except Exception as error:
        log.exception("mail %s quarantined", message_id)
        try:
            return _quarantine(raw, mail, message_id, service, source, mailbox, location, now,
                               f"{type(error).__name__}: {error}")
        except TEMPORARY_ERRORS as db_error:
            raise TemporaryFailure(str(db_error)) from db_error


def _known(raw: bytes, message_id: str) -> tuple[InboundMail | None, str]:
    """The ledger row this very mail already has (or None), and the ledger id for it.

    A different mail under a known Message-ID gets the id ``<Message-ID>#<content hash>``.
    """
    existing = InboundMail.objects.filter(message_id=message_id).first()
    if existing is None or same_mail(bytes(existing.raw), raw):
        return existing, message_id
    other_id = reused_ledger_id(message_id, raw)
    return InboundMail.objects.filter(message_id=other_id).first(), other_id


def _ingest_once(raw: bytes, mail: ParsedMail | None, problem: str, message_id: str,
                 service: Service, source: str, mailbox: Mailbox | None,
                 location: ImapLocation | None, now: datetime) -> IngestResult:
    with transaction.atomic():
        existing, ledger_id = _known(raw, message_id)
        if existing is not None:
            _remember_location(existing, mailbox, location)
            return _result(existing, duplicate=True)
        row = InboundMail.objects.create(
            message_id=ledger_id, mailbox=mailbox, service=service, source=source, raw=raw,
            size=len(raw), from_address=mail.from_address[:320] if mail else "",
            subject=mail.subject[:500] if mail else "", state=State.QUARANTINED, detail=problem,
            received_at=now, processed_at=now, reused_message_id=ledger_id != message_id,
        )
        _remember_location(row, mailbox, location)
        if mail is not None:
            process_mail(row, mail, mailbox, now)
            row.save()
    return _result(row)


def _quarantine(raw: bytes, mail: ParsedMail | None, message_id: str, service: Service,
                source: str, mailbox: Mailbox | None, location: ImapLocation | None,
                now: datetime, detail: str) -> IngestResult:
    with transaction.atomic():
        _existing, ledger_id = _known(raw, message_id)
        row, created = InboundMail.objects.get_or_create(message_id=ledger_id, defaults={
            "mailbox": mailbox, "service": service, "source": source, "raw": raw,
            "size": len(raw), "from_address": mail.from_address[:320] if mail else "",
            "subject": mail.subject[:500] if mail else "", "state": State.QUARANTINED,
            "detail": detail, "received_at": now, "processed_at": now,
            "reused_message_id": ledger_id != message_id,
        })
        if not created and row.state == State.QUARANTINED:
            InboundMail.objects.filter(pk=row.pk).update(detail=detail, processed_at=now)
        _remember_location(row, mailbox, location)
    return _result(row)


# --- administrators' decisions --------------------------------------------------------------

def rerun(inbound: InboundMail, *, treat_as_person: bool = False, sender: str = "",
          now: datetime | None = None) -> IngestResult:
    """Process a quarantined (or ignored) mail again from its raw bytes.

    ``treat_as_person`` processes an auto-reply or bulk mail as if a person had written it;
    ``sender`` makes the ticket for that address (a mail without a usable From).
    """
    now = now or timezone.now()
    reprocessable = {State.QUARANTINED, State.NOISE, State.REFUSED, State.BOUNCE}
    try:
        with transaction.atomic():
            row = InboundMail.objects.select_for_update().get(pk=inbound.pk)
            if row.state not in reprocessable:
                return _result(row)
            mail, problem = _parse(bytes(row.raw))
            row.attempts += 1
            row.processed_at = now
            if mail is None:
                row.detail = problem
            else:
                if sender:
                    mail = dataclasses.replace(mail, sender=MailAddress(
                        address=sender.strip().lower(), name=mail.from_name))
                row.detail = ""
                row.from_address, row.subject = mail.from_address[:320], mail.subject[:500]
                process_mail(row, mail, row.mailbox, now,
                             treat_as_person=treat_as_person or bool(sender))
            row.save()
        return _result(row)
    except TEMPORARY_ERRORS as error:
        raise TemporaryFailure(str(error)) from error
    except Exception as error:
        log.exception("re-run of mail %s failed", inbound.pk)
        InboundMail.objects.filter(pk=inbound.pk).update(
            state=State.QUARANTINED, detail=f"{type(error).__name__}: {error}", processed_at=now)
        inbound.refresh_from_db()
        return _result(inbound)


def _locked(inbound: InboundMail) -> InboundMail:
    return InboundMail.objects.select_for_update(of=("self",)).select_related("ticket").get(
        pk=inbound.pk)


def _still_held(row: InboundMail) -> bool:
    """A held mail is decided once: a second accept or reject changes nothing."""
    return row.state == State.HELD and row.ticket is not None


def accept_held(inbound: InboundMail, *, now: datetime | None = None) -> IngestResult:
    """An agent lets a held mail into its ticket (its sender becomes a participant)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(inbound)
        if not _still_held(row):
            return _result(row)
        add_held_mail(row, parse_mail(bytes(row.raw)), now)
        row.processed_at = now
        row.save()
    return _result(row)


def reject_held(inbound: InboundMail, *, actor: Actor, now: datetime | None = None) -> IngestResult:
    """An agent refuses a held mail: it stays in the ledger as refused, the ticket notes who."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(inbound)
        if not _still_held(row):
            return _result(row)
        row.state = State.REFUSED
        row.detail = _("Отклонено специалистом: %(who)s.") % {"who": actor}
        row.processed_at = now
        row.save()
        events.record(row.ticket, EventKind.MAIL_REJECTED, actor, now=now, data={
            "inbound_id": row.pk, "from": row.from_address, "subject": row.subject,
        })
    return _result(row)
