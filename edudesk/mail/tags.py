"""Ticket tags in subjects (``[INC0000123]``) and the reply prefixes around them."""

from __future__ import annotations

import re

# A ticket number: a prefix of 2-10 letters and seven digits, as in the seed's INC00000X.
TICKET_TAG = re.compile(r"\[\s*([A-Za-z]{2,10}\d{7})\s*\]")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|tr|на|отв|ответ|пер|перес|пересл|переслано)(\[\d+\]|\(\d+\))?\s*:\s*)+",
    re.IGNORECASE,
)


def find_ticket_numbers(subject: str) -> list[str]:
    """Ticket numbers tagged in a subject, upper-cased, in order, without repeats."""
    numbers: list[str] = []
    for match in TICKET_TAG.finditer(subject or ""):
        number = match.group(1).upper()
        if number not in numbers:
            numbers.append(number)
    return numbers


def tag_subject(subject: str, number: str) -> str:
    """The subject with ``[number]`` in front, unless the tag is already there."""
    subject = (subject or "").strip()
    if number.upper() in find_ticket_numbers(subject):
        return subject
    return f"[{number}] {subject}".strip()


def clean_subject(subject: str) -> str:
    """A subject fit to title a ticket: reply/forward prefixes and ticket tags removed."""
    text = TICKET_TAG.sub(" ", subject or "")
    previous = None
    while previous != text:
        previous = text
        text = _REPLY_PREFIX.sub("", text)
    return " ".join(text.split())
