"""Splitting a header into RFC 2047 encoded words and plain text, leniently.

``email.header.decode_header`` raises on a base64 word cut one character short (a
truncating gateway) and silently drops a word that is not base64 at all. Here a damaged
word yields what can still be read, and a word that cannot be read stays as written:
no text of a header is ever lost.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

_ENCODED_WORD = re.compile(r"=\?([^?\s]*)\?([bBqQ])\?([^?]*)\?=")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*=*")
_QUOTED_BYTE = re.compile(rb"=([0-9A-Fa-f]{2})")


@dataclass
class Piece:
    data: bytes | str  # bytes of an encoded word, or the plain text around the words
    charset: str | None = None  # the word's label ("" when it names none); None for plain text

    @property
    def is_word(self) -> bool:
        return isinstance(self.data, bytes)


def split_encoded_words(value: str) -> list[Piece]:
    """The pieces of an unfolded header value, in order.

    Whitespace between two encoded words is not text (RFC 2047 §6.2) and is dropped;
    consecutive words with the same charset are joined before decoding, since mail programs
    split multi-byte characters across them.
    """
    pieces: list[Piece] = []
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        after_word = bool(pieces) and pieces[-1].is_word
        if between and not (after_word and between.isspace()):
            pieces.append(Piece(between))
        charset, kind, text = match.groups()
        data = _word_bytes(kind.upper(), text)
        if data is None:
            pieces.append(Piece(match.group()))
        elif pieces and pieces[-1].is_word and pieces[-1].charset == charset.lower():
            pieces[-1].data += data
        else:
            pieces.append(Piece(data, charset.lower()))
        position = match.end()
    if position < len(value):
        pieces.append(Piece(value[position:]))
    return pieces


def _word_bytes(kind: str, text: str) -> bytes | None:
    if kind == "Q":
        raw = text.replace("_", " ").encode("utf-8", "surrogateescape")
        return _QUOTED_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    text = "".join(text.split())
    if not _BASE64.fullmatch(text):
        return None
    text = text.rstrip("=")
    text = text[: len(text) - len(text) % 4] if len(text) % 4 == 1 else text
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
