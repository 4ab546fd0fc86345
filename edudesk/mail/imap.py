"""Polling IMAP mailboxes: fetch, ingest, and only then acknowledge.

A mail is acknowledged (flagged and moved, flagged, or deleted, as the mailbox says)
only after ``ingest`` committed it. If the connection drops, the database fails or the
process dies in between, the mail stays on the server and the next poll finds it in the
ledger (by IMAP location or Message-ID) and only acknowledges it.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from edudesk.mail.conf import mail_setting
from edudesk.mail.ingest import TEMPORARY_ERRORS, ImapLocation, TemporaryFailure, ingest
from edudesk.mail.models import Mailbox, MailLocation

log = logging.getLogger(__name__)
DONE_KEYWORD = "$EdudeskDone"
After = Mailbox.AfterProcessing


class MailboxError(Exception):
    """The IMAP server refused a command or the connection failed."""


@dataclass
class PollReport:
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    acknowledged: int = 0
    error: str = ""
    states: list[str] = field(default_factory=list)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple[str, list], what: str) -> list:
    status, data = response
    if status != "OK":
        raise MailboxError(f"{what}: {status} {data!r}")
    return data


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    """An authenticated connection; the password never appears in errors or logs."""
    timeout = mail_setting("EDUDESK_MAIL_IMAP_TIMEOUT")
    try:
        if mailbox.security == Mailbox.Security.SSL:
            client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=timeout,
                                       ssl_context=ssl.create_default_context())
        else:
            client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
            if mailbox.security == Mailbox.Security.STARTTLS:
                client.starttls(ssl.create_default_context())
        client.login(mailbox.username, mailbox.password)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"{mailbox.host}:{mailbox.port} as {mailbox.username}: {error}") from None
    return client


def _uidvalidity(client: imaplib.IMAP4) -> int:
    """UIDVALIDITY of the selected folder (reported with SELECT)."""
    _code, data = client.response("UIDVALIDITY")
    if not data or data[0] is None:
        raise MailboxError("the server did not report UIDVALIDITY")
    return int(data[0])


def _pending_uids(client: imaplib.IMAP4, mailbox: Mailbox) -> list[int]:
    criteria = ["UNDELETED"]
    if mailbox.after_processing == After.FLAG:
        criteria.append(f"UNKEYWORD {DONE_KEYWORD}")
    data = _check(client.uid("SEARCH", None, *criteria), "SEARCH")
    return sorted(int(uid) for uid in (data[0] or b"").split())


def _fetch(client: imaplib.IMAP4, uid: int) -> bytes | None:
    data = _check(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None  # the mail disappeared (another consumer moved it)


class _Acknowledger:
    """Applies the mailbox's after-processing action; expunges once at the end."""

    def __init__(self, client: imaplib.IMAP4, mailbox: Mailbox):
        self.client = client
        self.mailbox = mailbox
        self.needs_expunge = False
        self.folder_ready = False
        capabilities = client.capabilities
        self.can_move = "MOVE" in capabilities
        self.has_uidplus = "UIDPLUS" in capabilities

    def _ensure_folder(self) -> None:
        if not self.folder_ready:
            self.client.create(_quote(self.mailbox.processed_folder))  # NO when it exists
            self.folder_ready = True

    def __call__(self, uid: int) -> None:
        action = self.mailbox.after_processing
        flags = f"(\\Seen {DONE_KEYWORD})"
        self.client.uid("STORE", str(uid), "+FLAGS.SILENT", flags)
        if action == After.FLAG:
            return
        if action == After.MOVE:
            self._ensure_folder()
            target = _quote(self.mailbox.processed_folder)
            if self.can_move:
                self.client.uid("MOVE", str(uid), target)
                return
            _check(self.client.uid("COPY", str(uid), target), "COPY")
        self.client.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")
        self.needs_expunge = True

    def finish(self) -> None:
        if self.needs_expunge:
            self.client.expunge()


def poll_mailbox(mailbox: Mailbox, *, now: datetime | None = None) -> PollReport:
    """One pass over a mailbox; returns what happened. Safe to run from several consumers."""
    report = PollReport()
    limit = mail_setting("EDUDESK_MAIL_POLL_BATCH")
    try:
        client = connect(mailbox)
        try:
            _check(client.select(_quote(mailbox.folder)), "SELECT")
            uidvalidity = _uidvalidity(client)
            acknowledge = _Acknowledger(client, mailbox)
            for uid in _pending_uids(client, mailbox)[:limit]:
                _handle(client, mailbox, uidvalidity, uid, acknowledge, report, now)
            acknowledge.finish()
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                client.logout()
    except (MailboxError, TemporaryFailure, *TEMPORARY_ERRORS, OSError, imaplib.IMAP4.error) as error:
        report.error = re.sub(r"\s+", " ", f"{type(error).__name__}: {error}")[:1000]
        log.warning("poll of %s stopped: %s", mailbox.address, report.error)
    with contextlib.suppress(*TEMPORARY_ERRORS):  # the outage was reported above
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now or timezone.now(),
                                                     last_error=report.error)
    return report


def _handle(client, mailbox: Mailbox, uidvalidity: int, uid: int, acknowledge: _Acknowledger,
            report: PollReport, now: datetime | None) -> None:
    location = ImapLocation(uidvalidity, uid)
    seen = MailLocation.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).first()
    if seen is None:
        raw = _fetch(client, uid)
        if raw is None:
            return
        report.fetched += 1
        result = ingest(raw, service=mailbox.service, source="imap", mailbox=mailbox,
                        location=location, now=now)
        report.states.append(result.state)
        if result.duplicate:
            report.duplicates += 1
        else:
            report.stored += 1
    acknowledge(uid)
    report.acknowledged += 1
    MailLocation.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).update(
        acknowledged_at=timezone.now())


# --- the periodic job -----------------------------------------------------------------------

def claim_due_mailboxes(now: datetime | None = None) -> list[int]:
    """Mailboxes due for a poll, each claimed for this consumer by a conditional UPDATE."""
    now = now or timezone.now()
    lease = timedelta(seconds=mail_setting("EDUDESK_MAIL_POLL_LEASE_SECONDS"))
    claimed = []
    for mailbox in Mailbox.objects.filter(polling_enabled=True).only("pk", "last_polled_at",
                                                                    "poll_interval_seconds"):
        due = mailbox.last_polled_at is None or (
            mailbox.last_polled_at + timedelta(seconds=mailbox.poll_interval_seconds) <= now
        )
        if not due:
            continue
        free = Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now)
        if Mailbox.objects.filter(free, pk=mailbox.pk).update(poll_lease_until=now + lease):
            claimed.append(mailbox.pk)
    return claimed


def poll_claimed_mailbox(mailbox_id: int) -> PollReport | None:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, polling_enabled=True).select_related(
        "service").first()
    if mailbox is None:
        return None
    try:
        return poll_mailbox(mailbox)
    finally:
        Mailbox.objects.filter(pk=mailbox_id).update(poll_lease_until=None)
