"""winmail.dat (application/ms-tnef): the attachments Outlook hides inside it."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass

from tnefparse import TNEF

from edudesk.mail.charsets import decode_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TnefContent:
    body: str
    files: list[tuple[str, bytes]]


def is_tnef(content_type: str, filename: str) -> bool:
    return content_type in ("application/ms-tnef", "application/vnd.ms-tnef") or (
        filename.lower() == "winmail.dat"
    )


def _filename(attachment) -> str:
    name = attachment.long_filename()
    if isinstance(name, bytes):
        name = decode_text(name.rstrip(b"\x00"))
    return str(name).strip("\x00").strip()


def expand_tnef(payload: bytes) -> TnefContent | None:
    """The body and the files inside a TNEF blob, or None when it is not readable TNEF."""
    try:
        tnef = TNEF(payload, do_checksum=False)
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as error:
        logger.warning("winmail.dat could not be read: %s", error)
        return None
    body = tnef.body or ""
    if isinstance(body, bytes):
        body = decode_text(body.rstrip(b"\x00"), "windows-1251")
    files = [
        (_filename(attachment) or "attachment.bin", bytes(attachment.data))
        for attachment in tnef.attachments
        if attachment.data
    ]
    return TnefContent(body=body.strip("\x00").strip(), files=files)


def guess_content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
