"""Turning the bytes users send into text, whatever charset they claim.

Mail from Russian schools arrives in UTF-8, KOI8-R, Windows-1251, CP866, ISO-8859-5
and MacCyrillic, often with no charset label or a wrong one (Windows-1251 labelled
ISO-8859-1, UTF-8 labelled KOI8-R); mail from everybody else arrives in whatever its
sender's language uses, correctly labelled. The rules, in order:

1. Bytes that are (almost) valid UTF-8 are UTF-8; a few bad bytes are replaced, the
   rest of the text is kept (a legacy code page never forms long valid UTF-8 runs).
2. A declared charset that decodes the bytes cleanly is respected — except the labels
   Russian mail programs are known to get wrong (the Cyrillic code pages among
   themselves, and the Latin-1 / ASCII defaults), which are corrected only when another
   Cyrillic code page reads clearly better as Russian (``russian_text``).
3. Undeclared (or undecodable) 8-bit text is Russian when one Cyrillic code page reads
   as Russian; otherwise charset-normalizer names the charset. Cyrillic is never chosen
   for text that does not read as Russian.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from edudesk.mail.encoded_words import split_encoded_words
from edudesk.mail.russian_text import RussianScore, score_russian

# The code pages Russian text is written in, besides UTF-8.
CYRILLIC_CHARSETS = ("cp1251", "koi8-r", "cp866", "iso8859-5", "mac-cyrillic")
# Labels mail programs put on Russian text by default, whatever it really is.
_DEFAULT_LATIN_LABELS = {"ascii", "iso8859-1", "cp1252", "iso8859-15"}
_OVERRIDABLE = {*CYRILLIC_CHARSETS, "koi8-u", *_DEFAULT_LATIN_LABELS}
# What mail programs mean by a label when the strict codec refuses the bytes.
_SUPERSETS = {
    "ascii": "cp1252", "iso8859-1": "cp1252", "gb2312": "gb18030", "gbk": "gb18030",
    "big5": "big5hkscs", "shift_jis": "cp932", "euc_jp": "euc_jis_2004", "euc_kr": "cp949",
    "iso2022_jp": "iso2022_jp_2", "iso8859-9": "cp1254", "tis-620": "cp874",
    "iso8859-11": "cp874", "koi8-r": "koi8-u",
}
_ALIASES = {
    "cp-1251": "cp1251", "win-1251": "cp1251", "x-cp1251": "cp1251", "koi8r": "koi8-r",
    "unicode-1-1-utf-8": "utf-8", "utf8": "utf-8", "x-mac-cyrillic": "mac-cyrillic",
    "cp-866": "cp866", "x-cp866": "cp866", "windows-31j": "cp932", "x-sjis": "shift_jis",
    "x-gbk": "gbk", "x-euc-jp": "euc_jp", "windows-874": "cp874", "iso-8859-8-i": "iso8859-8",
    "ks_c_5601-1987": "cp949", "x-x-big5": "big5", "x-unicode-2-0-utf-7": "utf-7",
}
# Codecs Python knows that are not charsets of text people write.
_NOT_CHARSETS = {"undefined", "unicode-escape", "raw-unicode-escape", "punycode", "idna",
                 "unicode_escape", "raw_unicode_escape"}
# Valid UTF-8 multi-byte sequences (RFC 3629), for telling UTF-8 with a bad byte from a code page.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_EIGHT_BIT = bytes(range(0x80, 0x100))
# Fewer valid multi-byte sequences than this, without Cyrillic, may be a code page by chance.
_CONVINCING_UTF8 = 4
# HTML mail without a MIME charset often names it in its head.
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META_SCAN_BYTES = 4096
# ISO-2022 escape sequences: 7-bit mail that is not ASCII text.
_ISO2022 = ((b"\x1b$)C", "iso2022_kr"), (b"\x1b$", "iso2022_jp_2"), (b"\x1b(J", "iso2022_jp_2"))
# Detection reads this much of a long text, from just before its first 8-bit byte (HTML mail
# may start with kilobytes of ASCII markup); the whole text then decodes with the verdict.
_SAMPLE_BYTES = 4 * 1024
# Other Cyrillic code pages charset-normalizer may name, the languages it reads in them, and the
# coherence from which its language verdict is trusted over a possibly-Russian reading.
_CYRILLIC_OTHERS = {"cp1125", "koi8-u", "koi8-t", "cp855", "iso8859-5", "mac-cyrillic", "kz1048", "ptcp154"}
_CYRILLIC_LANGUAGES = {"Russian", "Ukrainian", "Bulgarian", "Serbian", "Macedonian", "Belarusian", "Kazakh"}
_COHERENT = 0.2
_WESTERN_PUNCTUATION = set("¿¡«»°§·€–—‘’‚“”„…•\u00a0")
# Fewer 8-bit bytes than this and charset-normalizer's language (Arabic for «занял») is a guess.
_NORMALIZER_MIN_BYTES = 24
# How much better another Cyrillic code page must read before a declared one is overridden.
_OVERRIDE_MARGIN = 1.5
# Where two code pages read equally well (ALL-CAPS CP866 and MacCyrillic share their capitals),
# the more common one wins: a small handicap for the rarer ones.
_RARITY = {"cp1251": 0.0, "koi8-r": 0.0, "cp866": 0.5, "iso8859-5": 1.0, "mac-cyrillic": 1.5}


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # the Python codec used
    how: str  # "declared", "utf-8", "russian", "detected" or "fallback"


def canonical_charset(name: str | None) -> str | None:
    """The codec name Python knows for a MIME charset label, or None if unknown."""
    if not name:
        return None
    # RFC 2231 §5 lets an encoded word name its language: =?utf-8*ru?B?…?=.
    label = str(name).strip().strip('"').strip("'").lower().split("*", 1)[0]
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def decode_text(payload: bytes, declared: str | None = None) -> str:
    """The text of ``payload`` (see the module docstring for how the charset is chosen)."""
    return decode(payload, declared).text


def decode(payload: bytes, declared: str | None = None) -> Decoded:
    """Decode ``payload`` and say which charset was used and why."""
    charset = canonical_charset(declared)
    if payload.isascii():
        return _decode_seven_bit(payload, charset)
    utf8 = _utf8_reading(payload)
    if charset and charset not in _OVERRIDABLE and not charset.startswith("utf-8"):
        declared_text = _strict_with_superset(payload, charset)
        if declared_text is not None and not (utf8 and _is_single_byte(charset)):
            return Decoded(declared_text[0], declared_text[1], "declared")
    if utf8 is not None and _has_cyrillic(utf8.text[:_SAMPLE_BYTES]):
        return utf8  # the usual Russian mail: no guessing needed
    sample = _sample(payload)
    if charset in CYRILLIC_CHARSETS and utf8 is None:
        declared_text = _strict(payload, charset)
        if declared_text is not None and score_russian(_strict(sample, charset) or "").flawless:
            return Decoded(declared_text, charset, "declared")
    russian = _best_russian_reading(sample)
    if utf8 is not None and not _russian_beats_utf8(russian, sample):
        return utf8
    if charset in _OVERRIDABLE:
        kept = _declared_overridable(payload, sample, charset, russian)
        if kept is not None:
            return kept
    if russian is not None and russian[1].is_russian:
        return _whole(payload, russian[0], "russian")
    return _detected(payload, charset, russian)


def _decode_seven_bit(payload: bytes, charset: str | None) -> Decoded:
    """ASCII bytes: plain ASCII unless a 7-bit charset (ISO-2022-JP, UTF-7, …) is declared or used."""
    if charset and charset != "ascii":
        found = _strict_with_superset(payload, charset)
        if found is not None:
            return Decoded(found[0], found[1], "declared")
    if b"\x1b" in payload:
        for escape, candidate in _ISO2022:
            if escape in payload:
                text = _strict(payload, candidate)
                if text is not None:
                    return Decoded(text, candidate, "detected")
    return Decoded(payload.decode("ascii"), "ascii", "declared" if charset else "utf-8")


def _sample(payload: bytes) -> bytes:
    first = re.search(rb"[\x80-\xff]", payload)
    start = max(0, first.start() - 64) if first else 0
    return payload[start : start + _SAMPLE_BYTES]


def _strict(payload: bytes, charset: str) -> str | None:
    try:
        return payload.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _strict_with_superset(payload: bytes, charset: str) -> tuple[str, str] | None:
    """Decode with ``charset`` or, when it refuses, with the superset mail programs mean by it.

    ISO-8859-1 bytes 0x80–0x9F are control characters nobody writes: Windows-1252 is meant.
    """
    superset = _SUPERSETS.get(charset)
    if charset == "iso8859-1" and re.search(rb"[\x80-\x9f]", payload):
        charset, superset = "cp1252", None
    text = _strict(payload, charset)
    if text is not None:
        return text, charset
    if superset:
        text = _strict(payload, superset)
        if text is not None:
            return text, superset
    return None


def _is_single_byte(charset: str) -> bool:
    return len(bytes(range(0x80, 0x100)).decode(charset, "replace")) == 0x80


def _utf8_reading(payload: bytes) -> Decoded | None:
    """UTF-8 when the bytes are valid UTF-8, or nearly: a few bad bytes among many good sequences."""
    text = _strict(payload, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf-8")
    sample = _sample(payload)
    sequences = _UTF8_SEQUENCE.findall(sample)
    good = len(sequences)
    bad = _eight_bit_bytes(sample) - sum(map(len, sequences))
    if good >= 3 and bad * 8 <= good:
        return Decoded(payload.decode("utf-8", "replace"), "utf-8", "utf-8")
    return None


def _best_russian_reading(sample: bytes) -> tuple[str, RussianScore] | None:
    """The Cyrillic code page under which ``sample`` reads most like Russian, with its score."""
    best: tuple[str, RussianScore] | None = None
    for charset in CYRILLIC_CHARSETS:
        text = _strict(sample, charset)
        if text is None:
            continue
        score = score_russian(text)
        if best is None or score.total - _RARITY[charset] > best[1].total - _RARITY[best[0]]:
            best = (charset, score)
    return best


def _has_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def _russian_beats_utf8(russian: tuple[str, RussianScore] | None, sample: bytes) -> bool:
    """Short CP866 text can happen to be valid UTF-8 («фио» → U+4A2E): when the UTF-8 reading
    has no Cyrillic and a code page reads as Russian, the Russian wins. With only a few
    multi-byte sequences to go on, a possibly Russian reading is enough."""
    if russian is None:
        return False
    if russian[1].is_russian:
        return True
    return russian[1].possibly_russian and len(_UTF8_SEQUENCE.findall(sample)) < _CONVINCING_UTF8



def _declared_overridable(
    payload: bytes, sample: bytes, charset: str, russian: tuple[str, RussianScore] | None
) -> Decoded | None:
    """Keep a label Russian programs get wrong unless another code page clearly reads better."""
    declared_text = _strict_with_superset(payload, charset)
    if declared_text is None:
        return None
    kept = Decoded(declared_text[0], declared_text[1], "declared")
    if russian is None or russian[0] == charset or not russian[1].possibly_russian:
        return kept
    if charset in _DEFAULT_LATIN_LABELS:
        return None if _looks_like_mislabelled_cyrillic(declared_text[0]) else kept
    declared_score = score_russian(sample.decode(charset, "replace"))
    return None if russian[1].total > declared_score.total + _OVERRIDE_MARGIN else kept


def _looks_like_mislabelled_cyrillic(text: str) -> bool:
    """True when non-ASCII letters come in whole words, as in 'Ïðèâåò' (cp1251 as Latin-1).

    Genuine Latin-1 text ('café', 'Müller') mixes accents into ASCII words instead. Symbols
    count as well: ISO-8859-5 capitals read as Latin-1 are '²½°·'.
    """
    wide_characters = in_wide_words = 0
    for word in text.split():
        characters = [c for c in word if c.isalnum() or c >= "\x80"]
        wide = sum(1 for c in characters if c >= "\x80")
        wide_characters += wide
        if characters and wide == len(characters):
            in_wide_words += wide
    return wide_characters > 0 and in_wide_words / wide_characters >= 0.6


def _reads_as_western(text: str) -> bool:
    """Accented letters and Western punctuation only, inside Latin words ('Grüße', '¿Podrían')."""
    wide = [char for char in text if char >= "\x80"]
    return all(char.isalpha() or char in _WESTERN_PUNCTUATION for char in wide) and (
        not _looks_like_mislabelled_cyrillic(text)
    )


def _whole(payload: bytes, charset: str, how: str) -> Decoded:
    return Decoded(payload.decode(charset, "replace"), charset, how)


def _detected(payload: bytes, declared: str | None, russian: tuple[str, RussianScore] | None) -> Decoded:
    """Not UTF-8, not clearly Russian: charset-normalizer when it recognises a language, else
    Russian when the text may be Russian (short texts: the usual case at a Russian desk), else
    Windows-1252 when accents sit inside Latin words ('Grüße'), else charset-normalizer's
    guess, the label, or Windows-1252."""
    guess = _normalizer_guess(payload)
    says_language = guess is not None and guess[1]
    if says_language and (russian is None or _eight_bit_bytes(_sample(payload)) >= _NORMALIZER_MIN_BYTES):
        return _whole(payload, guess[0], "detected")
    if russian is not None and russian[1].possibly_russian:
        return _whole(payload, russian[0], "russian")
    western = _strict(payload, "cp1252")
    if western is not None and _reads_as_western(western):
        return Decoded(western, "cp1252", "detected")
    if guess is not None:
        return _whole(payload, guess[0], "detected")
    return _whole(payload, declared or "cp1252", "fallback")


def _eight_bit_bytes(payload: bytes) -> int:
    return len(payload) - len(payload.translate(None, _EIGHT_BIT))


def _normalizer_guess(payload: bytes) -> tuple[str, bool] | None:
    """charset-normalizer's charset for ``payload`` and whether it recognised a non-Russian language.

    UTF-16/32 guesses for text without NUL bytes and Cyrillic guesses are left out: the
    first never happens in mail, the second is this module's own business.
    """
    from charset_normalizer import from_bytes  # imported here: most mail never needs it

    sample = _sample(payload)
    for match in from_bytes(sample):
        charset = canonical_charset(match.encoding)
        if charset is None or charset in CYRILLIC_CHARSETS or charset in _CYRILLIC_OTHERS:
            continue
        if charset.startswith(("utf-16", "utf-32")) and b"\x00" not in sample:
            continue
        languages = [language for language in match.languages if language not in _CYRILLIC_LANGUAGES]
        return charset, bool(languages) and match.coherence >= _COHERENT
    return None


def html_meta_charset(payload: bytes) -> str | None:
    """The charset an HTML document declares in its head (``<meta charset>`` or http-equiv)."""
    match = _META_CHARSET.search(payload[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def repair_surrogates(value: str, declared: str | None = None) -> str:
    """Re-decode raw 8-bit bytes that the email package kept as surrogate escapes."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"), declared)


def raw_bytes(value: str) -> bytes:
    """The bytes behind a header string: characters up to U+00FF and surrogate-escaped bytes."""
    return value.encode("latin-1", "surrogateescape")


def decode_header_value(value: str | None, hint: str | None = None) -> str:
    """Decode an RFC 2047 header (or raw 8-bit header) into text, guessing bad charsets.

    ``hint`` is the charset the mail's text declares: programs that send raw 8-bit
    headers write them in the charset of the body.
    """
    if not value:
        return ""
    # Unfold (RFC 5322 2.2.3) first: an encoded word may be folded across lines.
    value = re.sub(r"\r?\n(?=[ \t])", "", str(value))
    texts = []
    for piece in split_encoded_words(value):
        if piece.is_word:
            texts.append(decode_text(piece.data, piece.charset or hint))
        else:
            texts.append(repair_surrogates(piece.data, hint))
    return " ".join("".join(texts).split())
