"""The LMTP endpoint (aiosmtpd) for sites whose MTA delivers mail to edudesk directly.

Each recipient must be a mailbox's address (or its signed plus-address for replies).
LMTP answers once per recipient: 250 when the mail is stored, 451 when the database
failed (the MTA keeps the mail and retries), 550 for an unknown address.
"""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.db.models import Q

from edudesk.mail.conf import mail_setting
from edudesk.mail.ingest import TemporaryFailure, ingest
from edudesk.mail.models import Mailbox

log = logging.getLogger(__name__)


def mailbox_for_recipient(address: str) -> Mailbox | None:
    """The mailbox an envelope recipient names: exact, or with a ``+suffix`` removed."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    exact = Q(address__iexact=f"{local}@{domain}")
    base = Q(address__iexact=f"{local.split('+', 1)[0]}@{domain}")
    return Mailbox.objects.filter(exact | base).select_related("service").order_by("pk").first()


def with_return_path(raw: bytes, envelope_sender: str) -> bytes:
    """The mail as final delivery stores it: the envelope sender in a Return-Path on top
    (RFC 5321 §4.4), so an empty one (``<>``: notifications, much spam) is seen as such."""
    head = raw[:raw.find(b"\n\n") if b"\n\n" in raw else len(raw)].lower()
    if head.startswith(b"return-path:") or b"\nreturn-path:" in head:
        return raw
    sender = envelope_sender.strip().strip("<>")
    line_end = b"\r\n" if b"\r\n" in raw[:1000] else b"\n"
    return b"Return-Path: <" + sender.encode("utf-8", "replace") + b">" + line_end + raw


def _deliver(raw: bytes, recipients: list[str]) -> list[str]:
    """Store the mail for each recipient's mailbox; one LMTP status per recipient."""
    close_old_connections()
    statuses = []
    try:
        for recipient in recipients:
            mailbox = mailbox_for_recipient(recipient)
            if mailbox is None:  # removed since RCPT was accepted
                statuses.append("550 5.1.1 No such mailbox here")
                continue
            try:
                ingest(raw, service=mailbox.service, source="lmtp", mailbox=mailbox)
                statuses.append("250 2.0.0 Stored")
            except TemporaryFailure as error:
                log.warning("LMTP delivery to %s deferred: %s", mailbox.address, error)
                statuses.append("451 4.3.0 Temporary failure, try again later")
    finally:
        close_old_connections()
    return statuses


class EdudeskLmtpHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mailbox = await sync_to_async(mailbox_for_recipient)(address)
        if mailbox is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = with_return_path(bytes(envelope.original_content), envelope.mail_from or "")
        statuses = await sync_to_async(_deliver)(raw, list(envelope.rcpt_tos))
        # LMTP (RFC 2033) answers once per accepted recipient.
        return "\r\n".join(statuses)


class LmtpController(Controller):
    def factory(self):
        options = {**self.SMTP_kwargs, "enable_SMTPUTF8": True, "decode_data": False,
                   "data_size_limit": mail_setting("EDUDESK_MAIL_MAX_BYTES")}
        return LMTP(self.handler, **options)


def lmtp_controller(host: str, port: int) -> LmtpController:
    return LmtpController(EdudeskLmtpHandler(), hostname=host, port=port)
