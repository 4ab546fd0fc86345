"""Mail settings (read from the environment in edudesk/settings.py, where their defaults live)."""

from __future__ import annotations

import hashlib

from django.conf import settings


def mail_setting(name: str):
    return getattr(settings, name)


def reply_token_secret() -> bytes:
    """The key that signs reply addresses, derived from SECRET_KEY for this one purpose."""
    return hashlib.sha256(b"edudesk.mail.reply-address:" + settings.SECRET_KEY.encode()).digest()
