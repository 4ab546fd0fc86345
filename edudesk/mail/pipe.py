"""One mail handed over by the MTA's pipe: through ``receive_mail`` or the mail gate.

Both name the service by its code (and optionally the mailbox); a leading mbox ``From ``
line added by the MTA is dropped. ``deliver_piped`` raises ``UnknownService`` for a bad
call and ``TemporaryFailure`` (from ``ingest``) when nothing was stored.
"""

from __future__ import annotations

from edudesk.accounts.models import Service
from edudesk.mail.ingest import IngestResult, ingest
from edudesk.mail.models import Mailbox


class UnknownService(ValueError):
    """No service has this code."""


def strip_mbox_separator(raw: bytes) -> bytes:
    """Drop the "From sender date" line some MTAs put in front of the message."""
    if raw.startswith(b"From "):
        return raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    return raw


def deliver_piped(raw: bytes, *, service: str, mailbox: str = "", source: str) -> IngestResult:
    target = Service.objects.filter(code=service).first()
    if target is None:
        raise UnknownService(service)
    boxes = Mailbox.objects.filter(service=target)
    box = boxes.filter(address__iexact=mailbox).first() if mailbox else boxes.first()
    return ingest(raw, service=target, source=source, mailbox=box)


def describe(result: IngestResult) -> str:
    """What the caller prints: ``created 12``, ``added 13 duplicate`` …"""
    return f"{result.state} {result.inbound_id}" + (" duplicate" if result.duplicate else "")
