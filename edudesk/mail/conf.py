"""Mail settings with their defaults (the settings module may override each from the environment)."""

from __future__ import annotations

import hashlib

from django.conf import settings

_DEFAULTS = {
    # Mails above this size are quarantined whole instead of processed.
    "EDUDESK_MAIL_MAX_BYTES": 25 * 1024 * 1024,
    # Automatic replies (registration, missing data) to one address per hour; more are suppressed.
    "EDUDESK_MAIL_AUTO_REPLIES_PER_HOUR": 5,
    # Delivery attempts for one outbound mail before it is marked failed on the ticket.
    "EDUDESK_MAIL_SEND_ATTEMPTS": 8,
    # First retry delay; each next attempt waits twice as long (capped at one hour).
    "EDUDESK_MAIL_RETRY_SECONDS": 30,
    # Mails fetched per mailbox and poll; the rest wait for the next poll.
    "EDUDESK_MAIL_POLL_BATCH": 200,
    # Seconds an IMAP poll may hold its mailbox before another consumer may take over.
    "EDUDESK_MAIL_POLL_LEASE_SECONDS": 300,
    "EDUDESK_MAIL_IMAP_TIMEOUT": 60,
}


def mail_setting(name: str):
    return getattr(settings, name, _DEFAULTS[name])


def reply_token_secret() -> bytes:
    """The key that signs reply addresses, derived from SECRET_KEY for this one purpose."""
    return hashlib.sha256(b"edudesk.mail.reply-address:" + settings.SECRET_KEY.encode()).digest()
