"""The charset part of the mail corpus: text samples generated at test time, and a few mails.

``russian_samples()`` builds thousands of Russian texts (5 to 2,000 characters, lower,
upper and mixed case) from the sentences in ``texts/russian.txt`` and encodes them in
every charset Russian mail uses; ``foreign_samples()`` does the same for the mail of
other languages in ``texts/foreign.tsv``. Each sample is then sent declared (the right
label), undeclared (no label) and wrongly declared (a label Russian mail programs
wrongly put on it). Nothing here is committed but the sentence lists: the samples are
deterministic, so the tests and ``bench/charset_accuracy.py`` see the same ones.

``MAILS`` are whole mails for the classes of charset trouble seen in real mail; the
corpus builder (``build_corpus.py``) writes them to ``corpus/charsets/``.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from pathlib import Path

TEXTS = Path(__file__).with_name("texts")
SUPPORT = "edu.support@eschool.example"
TEACHER_ADDRESS = "a.smirnova@school5-tver.example"

# Python codec → the label a mail program writes for it.
RUSSIAN_CHARSETS = {
    "utf-8": "utf-8", "koi8-r": "koi8-r", "cp1251": "windows-1251", "cp866": "ibm866",
    "iso8859-5": "iso-8859-5", "mac-cyrillic": "x-mac-cyrillic",
}
CASES = ("lower", "upper", "mixed")
DECLARATIONS = ("declared", "undeclared", "wrong")
FOREIGN_DECLARATIONS = ("declared", "undeclared")  # nobody mislabels Greek as Chinese
# Labels wrongly put on each charset, the first matching the sample number modulo their count.
_WRONG_LABELS = {
    "utf-8": ("koi8-r", "windows-1251", "iso-8859-1"),
    "koi8-r": ("windows-1251", "iso-8859-1", "us-ascii", "utf-8"),
    "cp1251": ("koi8-r", "iso-8859-1", "us-ascii", "utf-8"),
    "cp866": ("windows-1251", "koi8-r", "iso-8859-1", "utf-8"),
    "iso8859-5": ("windows-1251", "koi8-r", "iso-8859-1", "utf-8"),
    "mac-cyrillic": ("windows-1251", "koi8-r", "iso-8859-1", "utf-8"),
}
# Typography some code pages lack, written the way people write it without them.
_PLAIN_TYPOGRAPHY = {"«": '"', "»": '"', "—": "-", "–": "-", "№": "N", "…": "..."}
SHORTEST, LONGEST = 5, 2000


@dataclass(frozen=True)
class Sample:
    text: str
    charset: str  # Python codec the bytes are in
    group: str  # "lower" / "upper" / "mixed" for Russian, the language otherwise
    payload: bytes

    def label(self, declaration: str, number: int) -> str | None:
        """The charset label a mail carrying this sample has, for each kind of declaration."""
        if declaration == "undeclared":
            return None
        if declaration == "declared":
            return RUSSIAN_CHARSETS.get(self.charset, self.charset)
        wrong = _WRONG_LABELS[self.charset]
        return wrong[number % len(wrong)]


def _lines(name: str) -> list[str]:
    lines = (TEXTS / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def russian_sentences() -> list[str]:
    return _lines("russian.txt")


def _encodable(text: str, charset: str) -> str:
    out = []
    for char in text:
        try:
            char.encode(charset)
        except UnicodeEncodeError:
            char = _PLAIN_TYPOGRAPHY.get(char, "?")
        out.append(char)
    return "".join(out)


def _cased(text: str, case: str) -> str:
    return {"lower": text.lower(), "upper": text.upper()}.get(case, text)


def _russian_text(rng: random.Random, sentences: list[str]) -> str:
    """A text of a random length between 5 and 2,000 characters (log-uniform), cut at a word."""
    target = int(SHORTEST * (LONGEST / SHORTEST) ** rng.random())
    words = rng.choice(sentences).split()
    start = rng.randrange(len(words))
    pieces = words[start:]
    while len(" ".join(pieces)) < target:
        pieces.extend(rng.choice(sentences).split())
    text = ""
    for word in pieces:
        longer = f"{text} {word}" if text else word
        if len(longer) > target and len(text) >= SHORTEST:
            break
        text = longer
    return text[:LONGEST]


def russian_samples(per_case: int = 300) -> list[Sample]:
    """``per_case`` texts in each Russian charset and each case (the same texts in every charset)."""
    rng = random.Random(20261129)
    sentences = russian_sentences()
    texts = [_russian_text(rng, sentences) for _ in range(per_case)]
    samples = []
    for charset in RUSSIAN_CHARSETS:
        for case in CASES:
            for text in texts:
                cased = _encodable(_cased(text, case), charset)
                samples.append(Sample(cased, charset, case, cased.encode(charset)))
    return samples


def foreign_samples() -> list[Sample]:
    """Each non-Russian text in each charset its language is sent in."""
    samples = []
    for line in _lines("foreign.tsv"):
        language, charsets, text = line.split("\t")
        for charset in charsets.split():
            samples.append(Sample(text, charset, language, text.encode(charset)))
    return samples


def accuracy(decode_text, samples: list[Sample], declaration: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(charset, group) → (samples decoded to exactly their text, samples), for one declaration."""
    counts: dict[tuple[str, str], list[int]] = {}
    for number, sample in enumerate(samples):
        right = decode_text(sample.payload, sample.label(declaration, number)) == sample.text
        tally = counts.setdefault((sample.charset, sample.group), [0, 0])
        tally[0] += right
        tally[1] += 1
    return {key: (right, total) for key, (right, total) in counts.items()}


# --- whole mails -------------------------------------------------------------------------


def _mail(subject: bytes, content_type: str, body: bytes, *, message_id: str,
          transfer: str = "8bit", extra: bytes = b"") -> bytes:
    head = (
        f"From: {TEACHER_ADDRESS}\nTo: {SUPPORT}\n".encode()
        + b"Subject: " + subject + b"\n"
        + f"Date: Tue, 24 Nov 2026 09:41:07 +0300\nMessage-ID: <{message_id}>\n".encode()
        + b"MIME-Version: 1.0\n" + extra
    )
    if content_type.startswith("multipart/"):
        return head + f"Content-Type: {content_type}\n\n".encode() + body
    return (head + f"Content-Type: {content_type}\nContent-Transfer-Encoding: {transfer}\n\n".encode()
            + body + b"\n")


def _encoded_word(text: str, charset: str) -> bytes:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?=".encode()


UTF8_WITH_A_BAD_BYTE = (
    "Здравствуйте! Не открывается электронный журнал 5 Б класса,\n"
    "при входе пишет «Ошибка сервера». Логин smirnova_av."
)
KOI8_CAPITALS = "СРОЧНО! НЕ РАБОТАЕТ ЖУРНАЛ\nУЧИТЕЛЯ НЕ МОГУТ ВЫСТАВИТЬ ОЦЕНКИ"
FOREIGN_MAILS = {
    # file stem: (charset label, subject, body)
    "latin1_german": ("iso-8859-1", "Zeugnisse: Umlaute äöüß",
                      "Guten Tag,\nin den Zeugnissen fehlen die Umlaute äöüß und ÄÖÜ.\n"),
    "latin2_polish": ("iso-8859-2", "Dziennik nie zapisuje ocen",
                      "Dzień dobry, dziennik elektroniczny nie zapisuje ocen. Łucja Żółkiewska\n"),
    "greek_iso88597": ("iso-8859-7", "Βαθμολόγιο", "Καλημέρα σας, το ηλεκτρονικό βαθμολόγιο δεν ανοίγει.\n"),
    "gb2312_chinese": ("gb2312", "成绩册无法打开",
                       "您好，电子成绩册从昨天开始无法打开，请尽快帮助我们解决。\n"),
    "gb18030_chinese": ("gb18030", "证书没有生成", "这个课程的证书没有生成，虽然所有测试都已经通过了。\n"),
    "big5_chinese": ("big5", "成績簿無法開啟", "您好，電子成績簿從昨天開始無法開啟，請盡快協助處理。\n"),
    "shift_jis_japanese": ("shift_jis", "出席簿が開けません",
                           "お世話になっております。昨日から電子出席簿が開けません。\n"),
    "iso2022jp_japanese": ("iso-2022-jp", "出席簿が開けません",
                           "生徒が宿題をアップロードできません。ご確認をお願いいたします。\n"),
    "euckr_korean": ("euc-kr", "출석부 오류", "안녕하세요, 어제부터 전자 출석부가 열리지 않습니다.\n"),
    "utf7_german": ("utf-7", "Grüße aus München",
                    "Grüße aus München! Die Schüler können nichts hochladen.\n"),
}
RAW_NAME = "Отчёт по успеваемости 7Б.doc"
RAW_SUBJECT = "Не открывается журнал"


def utf8_with_a_bad_byte() -> bytes:
    body = UTF8_WITH_A_BAD_BYTE.encode()
    cut = body.index("журнал".encode())
    body = body[:cut] + b"\xff" + body[cut:]  # one stray byte, as a broken gateway leaves
    return _mail(_encoded_word("Не открывается журнал", "utf-8"), "text/plain; charset=utf-8", body,
                 message_id="utf8-bad-byte.0001@school5-tver.example")


def koi8_capitals_undeclared() -> bytes:
    return _mail("ТЕСТ".encode("koi8-r"), "text/plain", KOI8_CAPITALS.encode("koi8-r"),
                 message_id="koi8-capitals.0001@school5-tver.example")


def foreign(stem: str) -> bytes:
    label, subject, body = FOREIGN_MAILS[stem]
    transfer = "7bit" if label in ("iso-2022-jp", "utf-7") else "8bit"
    return _mail(_encoded_word(subject, label), f"text/plain; charset={label}", body.encode(label),
                 message_id=f"{stem}.0001@school.example", transfer=transfer)


def raw_8bit_names(charset: str, stem: str) -> bytes:
    """Webmail that writes the subject and the attachment's name as raw bytes of the body's charset."""
    name = RAW_NAME.encode(charset)
    body = (
        b"--raw-b\n"
        + f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n\n".encode()
        + "Добрый день! Отчёт во вложении, в нём ошибка на второй странице.\n".encode(charset)
        + b"--raw-b\n"
        + b'Content-Type: application/msword; name="' + name + b'"\n'
        + b'Content-Disposition: attachment; filename="' + name + b'"\n'
        + b"Content-Transfer-Encoding: base64\n\n"
        + base64.b64encode(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 fake word document") + b"\n"
        + b"--raw-b--\n"
    )
    return _mail(RAW_SUBJECT.encode(charset), 'multipart/mixed; boundary="raw-b"', body,
                 message_id=f"{stem}.0001@school5-tver.example")


def build() -> dict[str, bytes]:
    """The mails by path under corpus/ (for build_corpus.py)."""
    return {f"charsets/{name}": builder() for name, builder in MAILS.items()}


GREEK_HTML = ('<html><head><meta charset="iso-8859-7"></head>'
              "<body><p>Βαθμολόγιο δεν ανοίγει</p></body></html>")


def html_charset_only_in_meta() -> bytes:
    """HTML mail whose MIME header names no charset; the document's head does."""
    return _mail(_encoded_word("Βαθμολόγιο", "utf-8"), "text/html", GREEK_HTML.encode("iso-8859-7"),
                 message_id="html-meta-greek.0001@school.example")


MAILS = {
    "html_charset_only_in_meta.eml": html_charset_only_in_meta,
    "utf8_one_invalid_byte.eml": utf8_with_a_bad_byte,
    "koi8r_capitals_undeclared.eml": koi8_capitals_undeclared,
    "raw_8bit_name_cp1251.eml": lambda: raw_8bit_names("windows-1251", "raw-cp1251"),
    "raw_8bit_name_utf8.eml": lambda: raw_8bit_names("utf-8", "raw-utf8"),
    "raw_8bit_name_koi8r.eml": lambda: raw_8bit_names("koi8-r", "raw-koi8r"),
    **{f"{stem}.eml": (lambda stem=stem: foreign(stem)) for stem in FOREIGN_MAILS},
}
