"""Signed reply addresses: ``support+t-<ticket>-<signature>@host`` routes a reply to its ticket.

The signature is an HMAC of the ticket id under the site's secret, so nobody can
guess the address of another person's ticket. Everything is lower case because
some MTAs fold the local part.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_TOKEN = re.compile(r"^t-([0-9a-z]{1,13})-([0-9a-f]{16})$")
_SIGNATURE_LENGTH = 16


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
        if not number:
            return text


def _signature(ticket_id: int, secret: bytes) -> str:
    digest = hmac.new(secret, f"edudesk.mail.reply:{ticket_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:_SIGNATURE_LENGTH]


def make_reply_token(ticket_id: int, secret: bytes) -> str:
    """The token for one ticket, e.g. ``t-2n9c-1f0e…``."""
    if ticket_id < 1:
        raise ValueError("ticket id must be positive")
    return f"t-{_base36(ticket_id)}-{_signature(ticket_id, secret)}"


def make_reply_address(support_address: str, ticket_id: int, secret: bytes) -> str:
    """``support@host`` becomes ``support+t-<token>@host`` for this ticket."""
    local, _, domain = support_address.rpartition("@")
    if not local or not domain:
        raise ValueError(f"not an e-mail address: {support_address!r}")
    local = local.split("+", 1)[0]
    return f"{local}+{make_reply_token(ticket_id, secret)}@{domain}"


def parse_reply_token(token: str, secret: bytes) -> int | None:
    """The ticket id a token stands for, or None if it is malformed or not signed by us."""
    match = _TOKEN.match(token.strip().lower())
    if not match:
        return None
    ticket_id = int(match.group(1), 36)
    if ticket_id < 1 or not hmac.compare_digest(match.group(2), _signature(ticket_id, secret)):
        return None
    return ticket_id


def ticket_id_from_addresses(addresses: list[str], secret: bytes) -> int | None:
    """The ticket id of the first signed plus-address among recipients, if any."""
    for address in addresses:
        local = address.rpartition("@")[0]
        if "+" not in local:
            continue
        ticket_id = parse_reply_token(local.split("+", 1)[1], secret)
        if ticket_id is not None:
            return ticket_id
    return None
