"""When two deliveries under one Message-ID are the same mail, and what to call a different one.

The same mail arrives twice in many ways: polled again after a crash, delivered to two
mailboxes, by LMTP and by IMAP. Its trace headers then differ (Received, Delivered-To,
Return-Path, the IMAP server's own), its content does not. Some mailers, though, give
*different* mails the same Message-ID (broken webmail, scanners, scripts); such a mail must be
stored too, under a ledger id of its own, and flagged.
"""

from __future__ import annotations

import hashlib
import re

from edudesk.mail.models import ledger_message_id

# Headers the author's program writes; everything else may be added on the way.
_CONTENT_HEADERS = ("from", "sender", "to", "cc", "subject", "date", "in-reply-to", "references",
                    "content-type", "content-transfer-encoding")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def _split(raw: bytes) -> tuple[bytes, bytes]:
    match = _BLANK_LINE.search(raw)
    return (raw[:match.start()], raw[match.end():]) if match else (raw, b"")


def _headers(head: bytes) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    name = None
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        if line[:1] in (b" ", b"\t") and name is not None:
            found[name][-1] += b" " + line.strip()
            continue
        key, colon, value = line.partition(b":")
        if not colon:
            name = None
            continue
        name = key.strip().lower().decode("ascii", "replace")
        found.setdefault(name, []).append(value.strip())
    return found


def content_fingerprint(raw: bytes) -> str:
    """A hash of what the author wrote: content headers and body, not the trace of delivery."""
    head, body = _split(raw)
    headers = _headers(head)
    digest = hashlib.sha256()
    for name in _CONTENT_HEADERS:
        for value in headers.get(name, []):
            digest.update(name.encode() + b":" + b" ".join(value.split()) + b"\n")
    digest.update(b"\n")
    lines = [line.rstrip() for line in body.replace(b"\r\n", b"\n").split(b"\n")]
    digest.update(b"\n".join(lines).rstrip(b"\n"))
    return digest.hexdigest()


def same_mail(first: bytes, second: bytes) -> bool:
    return first == second or content_fingerprint(first) == content_fingerprint(second)


def reused_ledger_id(message_id: str, raw: bytes) -> str:
    """The ledger id of a different mail that arrived under an already known Message-ID."""
    return ledger_message_id(f"{message_id}#{content_fingerprint(raw)[:16]}")
