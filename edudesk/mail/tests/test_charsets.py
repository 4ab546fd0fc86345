"""Charset guessing: Cyrillic text survives every label a mail program may put on it."""

from __future__ import annotations

import base64

import pytest

from edudesk.mail.charsets import decode_header_value, decode_text, repair_surrogates
from edudesk.mail.russian_text import score_russian

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


def test_russian_score_prefers_real_russian_over_mojibake():
    real = score_russian(TEXT)
    koi_as_1251 = score_russian(TEXT.encode("koi8-r").decode("windows-1251"))
    utf8_as_latin1 = score_russian(TEXT.encode("utf-8").decode("latin-1"))
    assert real.is_russian and not koi_as_1251.is_russian and not utf8_as_latin1.is_russian
    assert real.total > koi_as_1251.total and real.total > utf8_as_latin1.total
    assert score_russian("plain ascii").letters == 0 and not score_russian("plain ascii").is_russian


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


# --- UTF-8 with a bad byte ---------------------------------------------------------------

BROKEN_UTF8 = TEXT[:20].encode() + b"\xff" + TEXT[20:].encode()


@pytest.mark.parametrize("declared", ["utf-8", None, "koi8-r", "windows-1251", "iso-8859-1"])
def test_utf8_with_one_invalid_byte_keeps_its_text_and_replaces_only_that_byte(declared):
    decoded = decode_text(BROKEN_UTF8, declared)
    assert decoded == TEXT[:20] + "\ufffd" + TEXT[20:]


def test_utf8_with_a_sequence_cut_in_half_keeps_the_rest():
    cut = "Журнал не открывается".encode()
    broken = cut[:3] + cut[4:]  # the second byte of «у» lost
    assert decode_text(broken, "utf-8") == "Ж\ufffdрнал не открывается"


# --- capitals, short and mixed texts -----------------------------------------------------

SHOUTED = ["ТЕСТ", "СРОЧНО! НЕ РАБОТАЕТ ЖУРНАЛ", "ЖУРНАЛ", "Не открывается ЖУРНАЛ, ПОМОГИТЕ"]


@pytest.mark.parametrize("actual", [*CYRILLIC_CHARSETS, "mac-cyrillic"])
@pytest.mark.parametrize("text", SHOUTED)
def test_undeclared_russian_in_capitals_is_detected(actual, text):
    assert decode_text(text.encode(actual)) == text


def test_the_examples_of_the_issue_no_longer_turn_into_mojibake():
    assert decode_text("ТЕСТ".encode("koi8-r")) == "ТЕСТ"  # was «феуф»
    assert decode_text("СРОЧНО! НЕ РАБОТАЕТ ЖУРНАЛ".encode("koi8-r")) == "СРОЧНО! НЕ РАБОТАЕТ ЖУРНАЛ"


@pytest.mark.parametrize("actual", [*CYRILLIC_CHARSETS, "mac-cyrillic"])
@pytest.mark.parametrize("text", ["Журнал", "Да, всё работает", "тест", "ОШИБКА 500 в Chrome"])
def test_short_russian_is_detected_undeclared_and_behind_a_latin1_label(actual, text):
    if actual == "utf-8":
        pytest.skip("UTF-8 is not a code page to detect")
    assert decode_text(text.encode(actual)) == text
    assert decode_text(text.encode(actual), "iso-8859-1") == text


# --- declared non-Russian charsets -------------------------------------------------------

FOREIGN = [
    ("iso-8859-1", "Zeugnisse: Umlaute äöüß und ÄÖÜ"),
    ("iso-8859-1", "äöüß"),
    ("iso-8859-1", "Le cahier de textes affiche des caractères étranges"),
    ("iso-8859-2", "Dzień dobry, Łucja Żółkiewska"),
    ("iso-8859-7", "Καλημέρα σας, το βαθμολόγιο δεν ανοίγει"),
    ("gb2312", "您好，电子成绩册无法打开"),
    ("gb18030", "这个课程的证书没有生成"),
    ("big5", "電子成績簿無法開啟"),
    ("shift_jis", "電子出席簿が開けません"),
    ("iso-2022-jp", "電子出席簿が開けません"),
    ("euc-kr", "전자 출석부가 열리지 않습니다"),
    ("utf-7", "Grüße aus München"),
    ("windows-1250", "Děkujeme za rychlou odpověď"),
    ("koi8-u", "Доброго дня, не відкривається журнал"),
]


@pytest.mark.parametrize(("charset", "text"), FOREIGN)
def test_a_correctly_declared_charset_is_respected(charset, text):
    assert decode_text(text.encode(charset), charset) == text


def test_iso_2022_jp_is_decoded_not_kept_as_escape_codes():
    payload = "出席簿".encode("iso-2022-jp")
    assert payload.isascii() and decode_text(payload, "ISO-2022-JP") == "出席簿"


def test_labels_that_mean_a_superset_decode_with_it():
    # GBK characters under a GB2312 label, and Windows-1252 quotes under an ISO-8859-1 label.
    assert decode_text("镕".encode("gbk"), "gb2312") == "镕"
    assert decode_text("“Grüße”".encode("cp1252"), "iso-8859-1") == "“Grüße”"
    assert decode_text("안녕하세요".encode("cp949"), "ks_c_5601-1987") == "안녕하세요"


def _sample_for(codec: str) -> str | None:
    candidates = ["Grüße, café", "Журнал не открывается", "Καλημέρα", "成绩册", "出席簿が開けません",
                  "출석부", "שלום עולם", "مرحبا بالعالم", "สวัสดีครับ", "Dzień dobry", "Merhaba dünya",
                  "Xin chào", "Sveiki, pasaulį", "Tere, õpetaja", "Ahoj, světe", "Բարեւ", "გამარჯობა"]
    for text in candidates:
        try:
            if text.encode(codec).decode(codec) == text:
                return text
        except (UnicodeError, LookupError):
            continue
    return None


def test_every_charset_python_knows_is_decoded_when_declared():
    import codecs
    from encodings.aliases import aliases

    from edudesk.mail.charsets import canonical_charset

    checked = 0
    for codec in sorted(set(aliases.values())):
        name = canonical_charset(codec)
        if name is None or not codecs.lookup(codec)._is_text_encoding:
            continue
        text = _sample_for(codec)
        if text is None:
            continue
        assert decode_text(text.encode(codec), codec) == text, codec
        checked += 1
    assert checked > 80


@pytest.mark.parametrize(("charset", "text"), [
    ("iso-8859-1", "Sehr geehrte Damen und Herren, das Klassenbuch lässt sich nicht öffnen."),
    ("iso-8859-1", "Grüße aus München"),
    ("iso-8859-7", "Καλημέρα σας, το ηλεκτρονικό βαθμολόγιο δεν ανοίγει από χθες το απόγευμα."),
    ("gb2312", "您好，电子成绩册从昨天开始无法打开，请尽快帮助我们解决。"),
    ("big5", "您好，電子成績簿從昨天開始無法開啟，請盡快協助處理。"),
    ("shift_jis", "お世話になっております。昨日から電子出席簿が開けません。"),
    ("euc-kr", "안녕하세요, 어제부터 전자 출석부가 열리지 않습니다."),
])
def test_undeclared_non_russian_text_is_never_turned_into_cyrillic(charset, text):
    decoded = decode_text(text.encode(charset))
    assert not any("\u0400" <= char <= "\u04ff" for char in decoded)


def test_unknown_and_non_text_codec_labels_are_ignored():
    payload = TEXT.encode("koi8-r")
    for label in ("x-unknown", "base64", "rot13", "undefined", "unicode-escape", "unknown-8bit"):
        assert decode_text(payload, label) == TEXT


# --- raw 8-bit headers -------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["utf-8", "windows-1251", "koi8-r", "cp866"])
def test_raw_8bit_header_is_decoded_from_its_bytes(charset):
    escaped = "Отчёт по успеваемости.doc".encode(charset).decode("ascii", "surrogateescape")
    assert decode_header_value(escaped) == "Отчёт по успеваемости.doc"


def test_raw_8bit_header_uses_the_charset_of_the_body_as_a_hint():
    escaped = "Zeugnisse für 5b".encode("latin-1").decode("ascii", "surrogateescape")
    assert decode_header_value(escaped, "iso-8859-1") == "Zeugnisse für 5b"
    greek = "Βαθμολόγιο".encode("iso-8859-7").decode("ascii", "surrogateescape")
    assert decode_header_value(greek, "iso-8859-7") == "Βαθμολόγιο"


def test_raw_8bit_text_between_encoded_words_is_decoded():
    raw = "Отчёт".encode("cp1251").decode("ascii", "surrogateescape")
    value = f"=?utf-8?B?{base64.b64encode('Журнал'.encode()).decode()}?= {raw}"
    assert decode_header_value(value) == "Журнал Отчёт"


def test_the_charset_of_an_html_document_is_read_from_its_head():
    from edudesk.mail.charsets import html_meta_charset

    head = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    assert html_meta_charset(head) == "windows-1251"
    assert html_meta_charset(b"<html><head><META CHARSET='ISO-8859-7'></head>") == "ISO-8859-7"
    assert html_meta_charset(b"<p>charset=utf-8 in the text is not a declaration</p>") is None


def test_encoded_word_with_a_language_after_its_charset():
    value = "=?iso-8859-7*el?B?" + base64.b64encode("Όνομα αρχείου".encode("iso-8859-7")).decode() + "?="
    assert decode_header_value(value) == "Όνομα αρχείου"


@pytest.mark.parametrize("value", [
    "=?utf-8?B?0J/RgNC40LLQtdGC0?=",  # base64 cut one character too long (a truncating gateway)
    "=?utf-8?B?0J/RgNC40LLQtdGC0?= [INC0000123]",
    "=??B?0J/RgNC40LLQtdGC?=",  # no charset
])
def test_broken_encoded_words_are_decoded_as_far_as_they_go(value):
    assert decode_header_value(value).startswith("Привет")


def test_an_encoded_word_that_is_not_base64_at_all_stays_as_written():
    assert decode_header_value("Re: =?utf-8?B?%%%?= журнал") == "Re: =?utf-8?B?%%%?= журнал"


@pytest.mark.parametrize("declared", [None, "ibm866"])
def test_short_cp866_that_happens_to_be_valid_utf8_stays_russian(declared):
    payload = "- **фио** -".encode("cp866")
    assert payload.decode("utf-8") != "- **фио** -"  # «фио» is also one valid UTF-8 character
    assert decode_text(payload, declared) == "- **фио** -"


def test_a_maccyrillic_dash_between_lower_case_words_is_not_read_as_a_capital():
    text = "обращение зарегистрировано — обращение добавлено в очередь"
    assert decode_text(text.encode("mac-cyrillic")) == text


def test_real_utf8_chinese_is_not_taken_for_a_short_cp866_text():
    assert decode_text("您好".encode()) == "您好"
    assert decode_text("你好，谢谢".encode()) == "你好，谢谢"
