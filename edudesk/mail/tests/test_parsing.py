"""Parsing the corpus: every mail shape the support address receives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from edudesk.mail.noise import NoiseKind
from edudesk.mail.parsing import GENERATED_ID_DOMAIN, MailParseError, parse_mail
from edudesk.mail.tests.conftest import CORPUS, load_mail_test_module, read_corpus_mail

TEACHER = "a.smirnova@school5-tver.example"
SCHEDULE_TEXT = (
    "Здравствуйте! Не открывается расписание уроков на следующую неделю,\n"
    'пишет "Нет доступа". Смирнова А. В., МБОУ СОШ 5, г. Тверь.'
)


def test_corpus_files_are_what_the_builder_writes():
    builder = load_mail_test_module("build_corpus")
    built = builder.build()
    on_disk = {path.name: path.read_bytes() for path in CORPUS.glob("*.eml")}
    assert on_disk == built


def test_new_request_in_utf8_yields_headers_text_and_the_png_screenshot():
    mail = parse_mail(read_corpus_mail("utf8_new_request_with_png.eml"))
    assert mail.message_id == "1795941667.4417@school5-tver.example"
    assert not mail.message_id_generated
    assert mail.subject == "Ошибка сохранения оценок в журнале 7«Б»"
    assert mail.from_address == TEACHER
    assert mail.from_name == "Смирнова Анна Викторовна"
    assert [str(a) for a in mail.to] == ["Техподдержка <edu.support@eschool.example>"]
    assert mail.date == datetime(2026, 11, 24, 9, 41, 7, tzinfo=timezone(timedelta(hours=3)))
    assert "Логин, под которым наблюдается проблема: smirnova_av" in mail.text
    assert not mail.noise.is_noise
    [screenshot] = mail.attachments
    assert screenshot.filename == "картинка1.png"
    assert screenshot.content_type == "image/png"
    assert screenshot.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert mail.raw == read_corpus_mail("utf8_new_request_with_png.eml")


@pytest.mark.parametrize(
    "name",
    [
        "koi8r_plain_8bit.eml",
        "cp1251_quoted_printable.eml",
        "iso88595_plain_8bit.eml",
        "mislabelled_cp1251_as_latin1.eml",
        "mislabelled_utf8_as_koi8r.eml",
    ],
)
def test_cyrillic_text_and_subject_read_correctly_in_every_charset_even_mislabelled(name):
    mail = parse_mail(read_corpus_mail(name))
    assert mail.text == SCHEDULE_TEXT
    assert mail.subject == "Не открывается расписание"


@pytest.mark.parametrize(
    "name", ["koi8r_plain_8bit.eml", "cp1251_quoted_printable.eml", "iso88595_plain_8bit.eml"]
)
def test_sender_name_encoded_in_a_legacy_charset_is_decoded(name):
    assert parse_mail(read_corpus_mail(name)).from_name == "Смирнова Анна"


def test_html_only_mail_gets_readable_text_and_sanitised_html():
    mail = parse_mail(read_corpus_mail("html_only_cp1251.eml"))
    assert mail.text.startswith("Добрый день!\nПри входе в СДО курс «Охрана труда для педагогов»")
    assert "- Роль: преподаватель" in mail.text
    assert "document.location" not in mail.text
    assert "<b>«Охрана труда для педагогов»</b>" in mail.html
    for dangerous in ("<script", "onclick", "<style", "evil.example"):
        assert dangerous not in mail.html


def test_nested_multipart_keeps_plain_text_html_inline_image_and_zip_with_rfc2231_name():
    mail = parse_mail(read_corpus_mail("nested_inline_image_and_zip.eml"))
    assert mail.text == "Добрый день! Ошибка на странице отчёта, см. картинку ниже.\nБраузер Firefox 133."
    assert '<img src="edudesk-inline:image-1.png" alt="картинка1">' in mail.html, (
        "the image itself is an attachment, named by its file")
    inline, archive = mail.attachments
    assert inline.inline and inline.content_id == "part1.screen@school5-tver.example"
    assert inline.content_type == "image/png" and inline.filename.endswith(".png")
    assert not archive.inline
    assert archive.filename == "скриншоты.zip"
    assert archive.content.startswith(b"PK\x03\x04")


def test_forwarded_mail_is_parsed_separately_with_its_own_attachment():
    mail = parse_mail(read_corpus_mail("forwarded_message.eml"))
    assert mail.from_address == "e.kuznetsova@school5-tver.example"
    assert mail.text.startswith("Коллеги, пересылаю обращение учителя")
    assert "Логин инициатора" not in mail.text
    assert mail.attachments == []
    [inner] = mail.forwarded
    assert inner.from_address == TEACHER
    assert inner.subject == "Ошибка сохранения оценок в журнале 7«Б»"
    assert "Логин инициатора: smirnova_av" in inner.text
    assert [a.filename for a in mail.all_attachments()] == ["картинка1.png"]


def test_bounce_is_noise_and_names_the_failed_recipient_and_our_message_id():
    mail = parse_mail(read_corpus_mail("bounce_dsn.eml"))
    assert mail.noise.kind is NoiseKind.BOUNCE
    bounce = mail.noise.bounce
    assert bounce.recipients == ("smirnova.old@school5-tver.example",)
    assert bounce.action == "failed" and bounce.status == "5.1.1"
    assert bounce.original_message_id == "inc0000123.registered.3f2a@eschool.example"
    assert "Mailbox does not exist" in mail.text


def test_auto_reply_is_noise_even_though_it_carries_a_ticket_tag():
    mail = parse_mail(read_corpus_mail("auto_reply.eml"))
    assert mail.noise.kind is NoiseKind.AUTO_REPLY
    assert mail.ticket_numbers == ["INC0000123"]


def test_newsletter_is_bulk_noise():
    assert parse_mail(read_corpus_mail("newsletter_bulk.eml")).noise.kind is NoiseKind.BULK


def test_reply_keeps_full_text_and_offers_the_new_part_without_history_or_signature():
    mail = parse_mail(read_corpus_mail("reply_with_quoted_history.eml"))
    assert mail.reply_text == (
        "Добрый день!\n\nБраузер — Google Chrome 131.0.6778.86, логин smirnova_av.\n"
        "Ошибка повторяется и на другом компьютере."
    )
    assert "> Уточните, пожалуйста, наименование и версию браузера." in mail.text
    assert mail.in_reply_to == ["inc0000123.clarification.77c1@eschool.example"]
    assert mail.thread_message_ids == [
        "inc0000123.clarification.77c1@eschool.example",
        "inc0000123.registered.3f2a@eschool.example",
    ]
    assert mail.ticket_numbers == ["INC0000123"]
    assert mail.title == "Требуется уточнение"


def test_outlook_reply_strips_original_message_block_and_decodes_rfc2047_filename():
    mail = parse_mail(read_corpus_mail("outlook_reply_with_jpeg.eml"))
    assert mail.reply_text.startswith("Прикладываю снимок экрана, логин инспектора minobr_ivanova.")
    assert "Original Message" not in mail.reply_text
    assert "Уточните, пожалуйста, логин" in mail.text
    assert mail.from_name == "Иванова Ольга Николаевна"
    assert mail.date == datetime(2026, 11, 24, 12, 40, 2, tzinfo=UTC)
    [photo] = mail.attachments
    assert photo.filename == "Снимок экрана 2026-11-24.jpg"
    assert photo.content.startswith(b"\xff\xd8\xff")


def test_tag_of_any_ticket_number_is_reported_for_the_threading_step_to_check():
    assert parse_mail(read_corpus_mail("unknown_ticket_tag.eml")).ticket_numbers == ["INC9999999"]


def test_winmail_dat_is_expanded_into_its_files_and_not_kept_itself():
    mail = parse_mail(read_corpus_mail("winmail_dat.eml"))
    names = [(a.filename, a.from_winmail_dat) for a in mail.attachments]
    assert names == [("картинка1.png", True), ("табель.docx", True)]
    assert mail.attachments[0].content.startswith(b"\x89PNG")
    assert mail.text == "Ошибка при печати табеля, снимок и файл табеля во вложении. Браузер Edge 131."


def test_mail_without_message_id_gets_a_stable_generated_one():
    raw = read_corpus_mail("without_message_id.eml")
    first, second = parse_mail(raw), parse_mail(raw)
    assert first.message_id_generated
    assert first.message_id == second.message_id
    assert first.message_id.endswith(f"@{GENERATED_ID_DOMAIN}")
    assert first.date == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


def test_winmail_body_is_used_when_the_mail_has_no_other_text():
    builder = load_mail_test_module("build_corpus")
    blob = builder.tnef_blob([("картинка1.png", builder.png())], "Текст только в winmail.dat")
    raw = (
        "From: o.ivanova@minobr-tver.example\r\nSubject: x\r\nMessage-ID: <only-tnef@x>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: application/ms-tnef\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + builder.b64(blob)
    ).encode()
    mail = parse_mail(raw)
    assert mail.text == "Текст только в winmail.dat"
    assert [a.filename for a in mail.attachments] == ["картинка1.png"]


def test_unreadable_winmail_dat_is_kept_as_an_ordinary_attachment():
    raw = (
        b"From: a@b.example\r\nMessage-ID: <bad-tnef@x>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/ms-tnef; name="winmail.dat"\r\n\r\nnot tnef at all'
    )
    [attachment] = parse_mail(raw).attachments
    assert attachment.filename == "winmail.dat" and attachment.content == b"not tnef at all"


def test_text_file_sent_as_attachment_is_not_taken_for_the_body():
    raw = (
        b"From: a@b.example\r\nMessage-ID: <log@x>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n--b\r\n"
        b'Content-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; '
        b'filename="log.txt"\r\n\r\nline 1\r\n--b--\r\n'
    )
    mail = parse_mail(raw)
    assert mail.text == "body"
    assert [a.filename for a in mail.attachments] == ["log.txt"]


def test_attachment_names_cannot_carry_a_path():
    raw = (
        b"From: a@b.example\r\nMessage-ID: <path@x>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: application/octet-stream; name="..\\\\..\\\\evil.png"\r\n\r\nxx'
    )
    assert parse_mail(raw).attachments[0].filename == "evil.png"


def test_broken_headers_do_not_stop_parsing():
    raw = (
        b"From: =?utf-8?B?broken\r\nTo: ,,, <>\r\nDate: not a date\r\n"
        b"Subject: =?x-unknown?Q?abc?=\r\n\r\nhello"
    )
    mail = parse_mail(raw)
    assert mail.text == "hello"
    assert mail.date is None
    assert mail.to == []


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"just some bytes without headers"])
def test_bytes_that_are_not_a_mail_are_refused(raw):
    with pytest.raises(MailParseError):
        parse_mail(raw)


def test_same_file_names_in_one_mail_are_told_apart():
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = "a.smirnova@school5-tver.example"
    mail["Subject"] = "Два снимка"
    mail.set_content("См. снимки.")
    for cid in ("a@tb", "b@tb"):
        mail.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="image.png",
                            cid=f"<{cid}>")
    assert [a.filename for a in parse_mail(mail.as_bytes()).attachments] == [
        "image.png", "image (2).png"]


def test_a_broken_encoded_word_in_the_subject_name_and_file_name_does_not_stop_the_parse():
    broken = "=?utf-8?B?0J/RgNC40LLQtdGC0?="
    raw = (
        f"From: {broken} <a.smirnova@school5-tver.example>\nTo: edu.support@eschool.example\n"
        f"Subject: Re: {broken} [INC0000123]\nMessage-ID: <broken-word@school5-tver.example>\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        "Content-Type: text/plain; charset=utf-8\n\nЖурнал\n--b\n"
        f'Content-Type: image/png; name="{broken}.png"\n\nxx\n--b--\n'
    ).encode()
    mail = parse_mail(raw)
    assert mail.subject.startswith("Re: Привет") and mail.subject.endswith("[INC0000123]")
    assert mail.from_name.startswith("Привет")
    assert mail.attachments[0].filename.startswith("Привет")
