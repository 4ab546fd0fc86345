"""Charset guessing: Cyrillic text survives every label a mail program may put on it."""

from __future__ import annotations

import base64

import pytest

from edudesk.mail.charsets import (
    cyrillic_plausibility,
    decode_header_value,
    decode_text,
    repair_surrogates,
)

TEXT = "Здравствуйте! Не открывается электронный журнал 5 Б класса, браузер Яндекс 24.1."
CYRILLIC_CHARSETS = ["utf-8", "windows-1251", "koi8-r", "iso-8859-5", "cp866"]


@pytest.mark.parametrize("actual", CYRILLIC_CHARSETS)
@pytest.mark.parametrize("declared", [None, "us-ascii", "iso-8859-1", "utf-8", "x-unknown", "same"])
def test_russian_text_decodes_when_the_label_is_right_missing_or_not_cyrillic(actual, declared):
    payload = TEXT.encode(actual)
    assert decode_text(payload, actual if declared == "same" else declared) == TEXT


@pytest.mark.parametrize(
    ("actual", "declared"),
    [("koi8-r", "windows-1251"), ("windows-1251", "koi8-r"), ("iso-8859-5", "windows-1251"),
     ("windows-1251", "iso-8859-5"), ("cp866", "koi8-r")],
)
def test_one_cyrillic_charset_labelled_as_another_is_corrected(actual, declared):
    assert decode_text(TEXT.encode(actual), declared) == TEXT


def test_genuine_latin1_text_is_left_alone():
    assert decode_text("Grüße aus München, café".encode("latin-1"), "iso-8859-1") == (
        "Grüße aus München, café"
    )


def test_declared_charset_label_aliases_are_understood():
    assert decode_text(TEXT.encode("cp1251"), "win-1251") == TEXT
    assert decode_text(TEXT.encode("cp1251"), '"CP-1251"') == TEXT


def test_undecodable_bytes_are_replaced_not_fatal():
    assert "\ufffd" in decode_text(b"\xff\xfe\xfa broken", "utf-8") or decode_text(
        b"\xff\xfe\xfa broken", "utf-8"
    )


def test_plausibility_prefers_real_russian_over_mojibake():
    real = cyrillic_plausibility(TEXT)
    koi_as_1251 = cyrillic_plausibility(TEXT.encode("koi8-r").decode("windows-1251"))
    utf8_as_latin1 = cyrillic_plausibility(TEXT.encode("utf-8").decode("latin-1"))
    assert real > koi_as_1251 and real > utf8_as_latin1
    assert cyrillic_plausibility("plain ascii") == 0.0


def test_rfc2047_header_with_mixed_encoded_words_and_plain_text():
    # The space between two encoded words is not part of the text (RFC 2047 6.2).
    value = "Re: =?utf-8?B?0J/RgNC40LLQtdGC?=\r\n =?koi8-r?Q?_=CD=C9=D2?= [INC0000123]"
    assert decode_header_value(value) == "Re: Привет мир [INC0000123]"


def test_rfc2047_encoded_word_with_a_wrong_charset_label_is_repaired():
    wrong = "=?iso-8859-1?B?" + base64.b64encode("Журнал".encode("cp1251")).decode() + "?="
    assert decode_header_value(wrong) == "Журнал"


def test_raw_8bit_header_bytes_are_decoded():
    escaped = "Тема письма".encode("koi8-r").decode("ascii", "surrogateescape")
    assert repair_surrogates(escaped) == "Тема письма"
    assert decode_header_value(escaped) == "Тема письма"


def test_folded_header_becomes_one_line():
    assert decode_header_value("=?utf-8?B?0J/RgNC40LLQtdGC?=\r\n\tworld") == "Привет world"
