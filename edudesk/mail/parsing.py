"""Raw RFC 5322 bytes → ``ParsedMail``: everything edudesk needs from one e-mail.

The parser never raises on odd mail it can still read (bad charsets, broken
headers, unknown parts); it raises ``MailParseError`` only when the bytes are
not a mail at all, so the caller can quarantine them whole.
"""

from __future__ import annotations

import dataclasses
import email
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.policy import Compat32
from email.utils import getaddresses, parsedate_to_datetime

from edudesk.mail.charsets import (
    decode_header_value,
    decode_text,
    html_meta_charset,
    raw_bytes,
    repair_surrogates,
)
from edudesk.mail.htmltext import html_to_text, sanitise_html
from edudesk.mail.noise import NoiseVerdict, detect_noise, normalise_message_id
from edudesk.mail.quoting import strip_quoted_history
from edudesk.mail.tags import clean_subject, find_ticket_numbers
from edudesk.mail.tnef import expand_tnef, guess_content_type, is_tnef

_MAX_NESTING = 8
GENERATED_ID_DOMAIN = "generated.edudesk.invalid"


class MailParseError(ValueError):
    """The bytes cannot be read as a mail message."""


class _RawHeaderPolicy(Compat32):
    """compat32, but header values come back as received instead of with U+FFFD for 8-bit bytes.

    Some webmail writes subjects and attachment names as raw 8-bit bytes (no RFC 2047 or
    2231); kept surrogate-escaped, they can be decoded from those bytes.
    """

    def header_fetch_parse(self, name, value):
        return value


_RAW_HEADERS = _RawHeaderPolicy()


@dataclass(frozen=True)
class MailAddress:
    address: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""
    inline: bool = False
    from_winmail_dat: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class ParsedMail:
    raw: bytes
    message_id: str
    message_id_generated: bool
    subject: str
    sender: MailAddress
    to: list[MailAddress]
    cc: list[MailAddress]
    reply_to: list[MailAddress]
    delivered_to: list[str]
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    noise: NoiseVerdict
    text: str
    html: str
    attachments: list[MailAttachment] = field(default_factory=list)
    forwarded: list[ParsedMail] = field(default_factory=list)
    # "S/MIME" or "PGP" when the mail carries a signature (kept out of the attachments) …
    signed: str = ""
    # … or is encrypted, or signed opaquely, so its text cannot be read here.
    encrypted: str = ""

    @property
    def from_address(self) -> str:
        return self.sender.address

    @property
    def from_name(self) -> str:
        return self.sender.name

    @property
    def reply_text(self) -> str:
        """The text of a follow-up without quoted history and signature."""
        return strip_quoted_history(self.text)

    @property
    def ticket_numbers(self) -> list[str]:
        return find_ticket_numbers(self.subject)

    @property
    def title(self) -> str:
        """The subject without reply prefixes and ticket tags, for a new ticket."""
        return clean_subject(self.subject)

    @property
    def thread_message_ids(self) -> list[str]:
        """Message-IDs this mail answers, nearest first (In-Reply-To, then References backwards)."""
        ordered: list[str] = []
        for message_id in [*self.in_reply_to, *reversed(self.references)]:
            if message_id not in ordered:
                ordered.append(message_id)
        return ordered

    @property
    def recipient_addresses(self) -> list[str]:
        """Every address the mail was sent to: envelope (Delivered-To), To and Cc."""
        addresses = [*self.delivered_to, *(a.address for a in [*self.to, *self.cc])]
        return list(dict.fromkeys(addresses))

    @property
    def size(self) -> int:
        return len(self.raw)

    def all_attachments(self) -> list[MailAttachment]:
        """Attachments of this mail and of the mails forwarded inside it."""
        found = list(self.attachments)
        for inner in self.forwarded:
            found.extend(inner.all_attachments())
        return found


@dataclass
class _Body:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    forwarded: list[ParsedMail] = field(default_factory=list)
    # Text found only inside winmail.dat: used when the mail has no other body.
    fallback_plain: list[str] = field(default_factory=list)
    signed: str = ""
    encrypted: str = ""

    def absorb(self, other: _Body, *, text: bool = True) -> None:
        if text:
            self.plain.extend(other.plain)
            self.html.extend(other.html)
            self.fallback_plain.extend(other.fallback_plain)
        self.attachments.extend(other.attachments)
        self.forwarded.extend(other.forwarded)
        self.signed = self.signed or other.signed
        self.encrypted = self.encrypted or other.encrypted


def _raw_headers(message: Message, name: str) -> list[str]:
    """Header values as received; 8-bit bytes stay surrogate-escaped for charset repair."""
    wanted = name.lower()
    return [str(value) for key, value in message.raw_items() if key.lower() == wanted]


def _raw_header(message: Message, name: str) -> str:
    values = _raw_headers(message, name)
    return values[0] if values else ""


def _addresses(message: Message, *names: str, hint: str | None = None) -> list[MailAddress]:
    values = [value for name in names for value in _raw_headers(message, name)]
    found = []
    for name, address in getaddresses(values):
        address = repair_surrogates(address).strip().strip("<>").lower()
        if "@" in address:
            found.append(MailAddress(address=address, name=decode_header_value(name, hint)))
    return found


def _text_charset(message: Message) -> str | None:
    """The charset the mail's first text part declares: raw 8-bit headers are usually in it."""
    for part in message.walk():
        if part.get_content_maintype() == "text":
            charset = part.get_content_charset()
            if charset:
                return charset
    return None


def _message_ids(message: Message, name: str) -> list[str]:
    value = " ".join(_raw_headers(message, name))
    ids = re.findall(r"<([^<>\s]+)>", value)
    if not ids and value.strip():
        ids = [normalise_message_id(value)]
    return [i for i in ids if i]


def _date(message: Message) -> datetime | None:
    value = _raw_header(message, "Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676)."""
    out: list[str] = []
    carry = ""
    for line in text.split("\n"):
        if line.endswith(" ") and line != "-- " and not line.startswith(">"):
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    declared = part.get_content_charset()
    if declared is None and part.get_content_type() == "text/html":
        declared = html_meta_charset(payload)
    text = decode_text(payload, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (part.get_param("format") or "").lower() == "flowed":
        text = _unflow(text, (part.get_param("delsp") or "").lower() == "yes")
    return text


def _filename(part: Message, hint: str | None) -> str:
    raw = part.get_param("filename", header="content-disposition")
    if raw is None:
        raw = part.get_param("name")
    if raw is None:
        return ""
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, value as latin-1 characters)
        charset, _language, value = raw
        name = decode_text(raw_bytes(value), charset or hint)
    else:
        name = decode_header_value(email.utils.unquote(str(raw)), hint)
    name = os.path.basename(name.replace("\\", "/"))
    return "".join(char for char in name if char.isprintable()).strip()


def _extension_for(content_type: str) -> str:
    known = {"image/jpeg": ".jpg", "text/plain": ".txt"}
    return known.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"


def _leaf(part: Message, in_related: bool, depth: int, hint: str | None) -> _Body:
    body = _Body()
    content_type = part.get_content_type()
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part, part.get_content_charset() or hint)
    if content_type in ("message/rfc822", "message/global"):
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            body.forwarded.append(_parse_message(inner[0], depth + 1))
        return body
    if content_type in ("message/delivery-status", "text/rfc822-headers"):
        return body
    if content_type in _SIGNATURE_TYPES or (
            content_type == "application/octet-stream" and filename.lower() in _SIGNATURE_NAMES):
        # A signature, not a file the sender attached: no refusal notice for it.
        body.signed = "PGP" if "pgp" in content_type or filename.lower().endswith(".asc") else (
            "S/MIME")
        return body
    if content_type in _SMIME_TYPES or filename.lower().endswith(".p7m"):
        smime_type = (part.get_param("smime-type") or "").lower()
        body.encrypted = "S/MIME" if smime_type != "signed-data" else "S/MIME signed-data"
        return body
    if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        (body.plain if content_type == "text/plain" else body.html).append(_part_text(part))
        return body
    payload = part.get_payload(decode=True) or b""
    if is_tnef(content_type, filename):
        expanded = expand_tnef(payload)
        if expanded is not None:
            if expanded.body:
                body.fallback_plain.append(expanded.body)
            body.attachments.extend(
                MailAttachment(name, guess_content_type(name), data, from_winmail_dat=True)
                for name, data in expanded.files
            )
            return body
    content_id = normalise_message_id(part.get("Content-ID"))
    inline = disposition == "inline" or (in_related and bool(content_id) and disposition != "attachment")
    body.attachments.append(
        MailAttachment(
            filename=filename,
            content_type=content_type,
            content=payload,
            content_id=content_id,
            inline=inline,
        )
    )
    return body


_SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature",
                    "application/pgp-signature"}
_SIGNATURE_NAMES = {"smime.p7s", "signature.asc"}
_SMIME_TYPES = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
_PGP_ARMOR = re.compile(
    r"^-----BEGIN PGP SIGNED MESSAGE-----\n(?:Hash: [^\n]*\n)*\n|"
    r"^-----BEGIN PGP SIGNATURE-----\n.*?^-----END PGP SIGNATURE-----\n?",
    re.MULTILINE | re.DOTALL,
)
_PGP_MESSAGE = re.compile(r"^-----BEGIN PGP MESSAGE-----$", re.MULTILINE)


def _inline_pgp(text: str) -> tuple[str, str, str]:
    """Text signed inline with PGP loses its armour; (text, signed, encrypted)."""
    if _PGP_MESSAGE.search(text):
        return text, "", "PGP"
    if "-----BEGIN PGP SIGNED MESSAGE-----" not in text:
        return text, "", ""
    # Dash-escaped lines ("- -- ") are restored (RFC 4880 §7.1).
    unarmoured = re.sub(r"^- ", "", _PGP_ARMOR.sub("", text), flags=re.MULTILINE)
    return unarmoured, "PGP", ""


def _walk(part: Message, depth: int, hint: str | None, in_related: bool = False) -> _Body:
    if depth > _MAX_NESTING:
        return _Body()
    if not part.is_multipart() or part.get_content_maintype() == "message":
        return _leaf(part, in_related, depth, hint)
    subtype = part.get_content_subtype()
    if subtype == "encrypted":  # PGP/MIME (RFC 3156): a version part and the cipher text
        return _Body(encrypted="PGP")
    children = [child for child in part.get_payload() if isinstance(child, Message)]
    body = _Body()
    if subtype == "alternative":
        # Every alternative says the same thing: keep the richest plain and HTML versions.
        versions = [_walk(child, depth + 1, hint, in_related) for child in children]
        for version in versions:
            body.absorb(version, text=False)
        with_plain = [v for v in versions if v.plain]
        with_html = [v for v in versions if v.html]
        if with_plain:
            body.plain = with_plain[-1].plain
        if with_html:
            body.html = with_html[-1].html
        return body
    for child in children:
        body.absorb(_walk(child, depth + 1, hint, in_related or subtype == "related"))
    return body


def _name_unnamed(attachments: list[MailAttachment]) -> list[MailAttachment]:
    """Give nameless parts (pasted screenshots, inline images) a name from their type, and
    make names unique within the mail (the HTML's inline images refer to them by name)."""
    named = []
    taken: set[str] = set()
    for index, attachment in enumerate(attachments, start=1):
        filename = attachment.filename
        if not filename:
            stem = "image" if attachment.content_type.startswith("image/") else "attachment"
            filename = f"{stem}-{index}{_extension_for(attachment.content_type)}"
        stem, dot, extension = filename.rpartition(".")
        if not dot:
            stem, extension = extension, ""
        copy = 1
        while filename[:255] in taken:  # stored names are cut at 255 characters
            copy += 1
            filename = f"{stem[:200]} ({copy}){dot}{extension[:40]}"
        taken.add(filename[:255])
        if filename != attachment.filename:
            attachment = dataclasses.replace(attachment, filename=filename)
        named.append(attachment)
    return named


def _parse_message(message: Message, depth: int, raw: bytes | None = None) -> ParsedMail:
    if raw is None:
        raw = message.as_bytes(policy=policy.compat32)
    hint = _text_charset(message)
    senders = _addresses(message, "From", hint=hint) or _addresses(message, "Sender", hint=hint)
    sender = senders[0] if senders else MailAddress(address="")
    message_id = normalise_message_id(_raw_header(message, "Message-ID"))
    generated = not message_id
    if generated:
        message_id = f"{hashlib.sha256(raw).hexdigest()[:40]}@{GENERATED_ID_DOMAIN}"
    body = _walk(message, depth, hint)
    attachments = _name_unnamed(body.attachments)
    html = "\n".join(body.html)
    text = "\n\n".join(chunk.strip("\n") for chunk in body.plain if chunk.strip())
    if not text and html:
        text = html_to_text(html)
    if not text:
        text = "\n\n".join(chunk for chunk in body.fallback_plain if chunk.strip())
    text, inline_signed, inline_encrypted = _inline_pgp(text)
    delivered_to = [
        a.address for a in _addresses(message, "Delivered-To", "X-Original-To", "Envelope-To")
    ]
    return ParsedMail(
        raw=raw,
        message_id=message_id,
        message_id_generated=generated,
        subject=decode_header_value(_raw_header(message, "Subject"), hint),
        sender=sender,
        to=_addresses(message, "To", hint=hint),
        cc=_addresses(message, "Cc", hint=hint),
        reply_to=_addresses(message, "Reply-To", hint=hint),
        delivered_to=delivered_to,
        date=_date(message),
        in_reply_to=_message_ids(message, "In-Reply-To"),
        references=_message_ids(message, "References"),
        noise=detect_noise(message, sender.address, text),
        text=text.strip(),
        html=sanitise_html(html, {a.content_id: a.filename for a in attachments if a.content_id})
        if html else "",
        attachments=attachments,
        forwarded=body.forwarded,
        signed=body.signed or inline_signed,
        encrypted=body.encrypted or inline_encrypted,
    )


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one RFC 5322 message from its raw bytes."""
    if not raw or not raw.strip():
        raise MailParseError("empty message")
    message = email.message_from_bytes(raw, policy=_RAW_HEADERS)
    if not message.keys():
        raise MailParseError("no headers: not a mail message")
    return _parse_message(message, depth=0, raw=raw)
