"""Turning the bytes users send into text, whatever charset they claim.

Mail from Russian schools arrives in UTF-8, KOI8-R, Windows-1251, ISO-8859-5 and
now and then in a charset the sending program got wrong (Windows-1251 bytes
labelled ISO-8859-1, UTF-8 bytes labelled KOI8-R, no label at all). We decode with
the declared charset when the result reads like text, and otherwise try the usual
Cyrillic candidates and keep the one whose letters look most like Russian.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

# Tried in this order when the declared charset is missing or implausible.
CANDIDATE_CHARSETS = ("utf-8", "windows-1251", "koi8-r", "iso-8859-5", "cp866", "mac-cyrillic")

# Russian letters from most to least frequent; earlier letters earn more.
_RUSSIAN_BY_FREQUENCY = "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё"
_LETTER_WEIGHT = {
    letter: 2.0 - 1.5 * rank / len(_RUSSIAN_BY_FREQUENCY)
    for rank, letter in enumerate(_RUSSIAN_BY_FREQUENCY)
}
# Typographic characters that appear in genuine Russian text.
_NEUTRAL_CHARACTERS = set("«»—–№…“”„‘’•\u00a0\u00ad©®°±×€")
# Below this plausibility the declared charset is second-guessed.
_PLAUSIBLE = 0.5
_MISLABELLED_LATIN_RUN_SHARE = 0.6


def canonical_charset(name: str | None) -> str | None:
    """The codec name Python knows for a MIME charset label, or None if unknown."""
    if not name:
        return None
    label = name.strip().strip('"').lower()
    aliases = {"cp-1251": "windows-1251", "win-1251": "windows-1251", "x-cp1251": "windows-1251",
               "koi8r": "koi8-r", "unicode-1-1-utf-8": "utf-8", "utf8": "utf-8",
               "x-mac-cyrillic": "mac-cyrillic", "ibm866": "cp866", "us-ascii": "ascii"}
    label = aliases.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def cyrillic_plausibility(text: str) -> float:
    """Score how much the non-ASCII characters of ``text`` look like Russian, per character.

    Frequent lower-case Russian letters score high, capitals in the middle of a word
    (the mark of KOI8-R read as Windows-1251 and vice versa) and characters that do
    not belong in Russian text (Latin-1 accents, box drawing, replacement marks)
    score negative. Pure ASCII text scores 0.
    """
    score = 0.0
    counted = 0
    previous = " "
    for char in text:
        if char < "\x80":
            previous = char
            continue
        counted += 1
        lower = char.lower()
        if lower in _LETTER_WEIGHT:
            if char == lower:
                score += _LETTER_WEIGHT[lower]
            elif previous.isalpha() and previous.islower():
                score -= 2.0
            else:
                score += 0.5
        elif char in _NEUTRAL_CHARACTERS:
            pass
        else:
            score -= 3.0
        previous = char
    return score / counted if counted else 0.0


def _strict_decode(payload: bytes, charset: str) -> str | None:
    try:
        return payload.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_like_mislabelled_cyrillic(text: str) -> bool:
    """True when non-ASCII characters come in whole words, as in 'Ïðèâåò' (cp1251 as Latin-1).

    Genuine Latin-1 text ('café', 'Müller') mixes accents into ASCII words instead.
    """
    non_ascii = 0
    in_runs = 0
    for word in text.split():
        letters = [c for c in word if c.isalpha()]
        wide = [c for c in letters if c >= "\x80"]
        non_ascii += len(wide)
        if letters and len(wide) == len(letters):
            in_runs += len(wide)
    return non_ascii > 0 and in_runs / non_ascii >= _MISLABELLED_LATIN_RUN_SHARE


def decode_text(payload: bytes, declared: str | None = None) -> str:
    """Decode ``payload`` using ``declared`` when it is plausible, else the best candidate.

    Steps: pure ASCII needs no guess; a declared charset that decodes cleanly and
    reads plausibly (or contains no Cyrillic-looking words at all) wins; otherwise
    every candidate that decodes cleanly is scored and the best one wins; as a
    last resort the declared charset (or UTF-8) decodes with replacement marks.
    """
    if payload.isascii():
        return payload.decode("ascii")
    charset = canonical_charset(declared)
    declared_text = _strict_decode(payload, charset) if charset and charset != "ascii" else None
    if declared_text is not None:
        if cyrillic_plausibility(declared_text) >= _PLAUSIBLE:
            return declared_text
        if not _looks_like_mislabelled_cyrillic(declared_text):
            return declared_text
    best_text, best_score = None, float("-inf")
    for candidate in CANDIDATE_CHARSETS:
        text = _strict_decode(payload, candidate)
        if text is None:
            continue
        if candidate == "utf-8":
            # Valid multi-byte UTF-8 is almost never an accident.
            return text
        score = cyrillic_plausibility(text)
        if score > best_score:
            best_text, best_score = text, score
    if declared_text is not None and cyrillic_plausibility(declared_text) >= best_score:
        return declared_text
    if best_text is not None:
        return best_text
    return payload.decode(charset if charset and charset != "ascii" else "utf-8", "replace")


def repair_surrogates(value: str, declared: str | None = None) -> str:
    """Re-decode raw 8-bit bytes that the email package kept as surrogate escapes."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"), declared)


def decode_header_value(value: str | None) -> str:
    """Decode an RFC 2047 header (or raw 8-bit header) into text, guessing bad charsets."""
    if not value:
        return ""
    # Unfold (RFC 5322 2.2.3) first: decode_header treats each physical line alone.
    value = re.sub(r"\r?\n(?=[ \t])", "", str(value))
    try:
        parts = decode_header(value)
    except (ValueError, LookupError):
        return repair_surrogates(value)
    pieces = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            pieces.append(repair_surrogates(chunk))
        else:
            pieces.append(decode_text(chunk, charset))
    return " ".join("".join(pieces).split())
