"""Caps on free text that no form schema bounds: a description or reply arriving through the
API, a portal reply, an agent's registration. Mail is not capped here (it is bounded by
EDUDESK_MAIL_MAX_BYTES and a letter is never refused for its length)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from edudesk.tickets.models import Channel


def oversized_text(description: str, fields: dict, channel: str) -> dict[str, list[str]]:
    """Field-level errors for text longer than EDUDESK_MAX_TEXT_CHARS; empty when all fit."""
    if channel == Channel.EMAIL:
        return {}
    limit = settings.EDUDESK_MAX_TEXT_CHARS
    texts = {"description": description or "",
             **{key: value for key, value in (fields or {}).items() if isinstance(value, str)}}
    return {key: [_("Сократите текст до %(limit)d символов (сейчас %(length)d).")
                  % {"limit": limit, "length": len(value)}]
            for key, value in texts.items() if len(value) > limit}
