"""Mail in every charset, through the real ingest path: the ticket reads what the sender wrote.

The mails are the charset part of the corpus (tests/mail/corpus_charsets.py, written to
tests/mail/corpus by build_corpus.py).
"""

from __future__ import annotations

import pytest

from edudesk.mail.ingest import ingest
from edudesk.mail.parsing import parse_mail
from edudesk.mail.tests.conftest import TEACHER_ADDRESS, load_mail_test_module, read_corpus_mail
from edudesk.mail.tests.test_receive_mail import pipe
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
corpus = load_mail_test_module("corpus_charsets")


def deliver(name: str, mailbox):
    raw = read_corpus_mail(f"charsets/{name}")
    return ingest(raw, service=mailbox.service, source="test", mailbox=mailbox)


def first_message(ticket) -> str:
    """The text of the mail itself (later messages are edudesk's own, e.g. a clarification)."""
    return ticket.messages.order_by("pk").first().body


def replies(capture):
    return [m.get_body(("plain",)).get_content() for m in capture.messages() if TEACHER_ADDRESS in m["To"]]


def test_utf8_mail_with_one_invalid_byte_keeps_its_russian_text(support_mailbox, smtp_capture):
    deliver("utf8_one_invalid_byte.eml", support_mailbox)

    ticket = Ticket.objects.get()
    expected = corpus.UTF8_WITH_A_BAD_BYTE.replace("журнал", "\ufffdжурнал", 1)
    assert ticket.subject == "Не открывается журнал"
    assert first_message(ticket) == expected


def test_undeclared_koi8r_capitals_are_read_as_russian(support_mailbox, smtp_capture):
    deliver("koi8r_capitals_undeclared.eml", support_mailbox)

    ticket = Ticket.objects.get()
    assert ticket.subject == "ТЕСТ"
    assert first_message(ticket) == corpus.KOI8_CAPITALS


@pytest.mark.parametrize("stem", sorted(corpus.FOREIGN_MAILS))
def test_declared_non_russian_mail_is_stored_as_written(stem, support_mailbox, smtp_capture):
    deliver(f"{stem}.eml", support_mailbox)

    _label, subject, body = corpus.FOREIGN_MAILS[stem]
    ticket = Ticket.objects.get()
    assert ticket.subject == subject
    assert first_message(ticket) == body.strip()


@pytest.mark.parametrize("charset", ["cp1251", "utf8", "koi8r"])
def test_raw_8bit_attachment_name_is_quoted_right_in_the_refusal(charset, support_mailbox,
                                                                smtp_capture):
    deliver(f"raw_8bit_name_{charset}.eml", support_mailbox)

    ticket = Ticket.objects.get()
    assert ticket.subject == corpus.RAW_SUBJECT
    assert first_message(ticket).startswith("Добрый день! Отчёт во вложении")
    text = "\n".join(replies(smtp_capture))
    assert "Не приняты вложения:" in text and corpus.RAW_NAME in text
    assert "\ufffd" not in text


def test_raw_8bit_names_through_the_mta_pipe(monkeypatch, support_mailbox, smtp_capture):
    out = pipe(monkeypatch, read_corpus_mail("charsets/raw_8bit_name_koi8r.eml"), "--service", "eschool")

    assert out.startswith("created")
    assert Ticket.objects.get().subject == corpus.RAW_SUBJECT
    assert corpus.RAW_NAME in "\n".join(replies(smtp_capture))


def test_html_mail_with_its_charset_only_in_the_meta_tag(support_mailbox, smtp_capture):
    deliver("html_charset_only_in_meta.eml", support_mailbox)

    assert first_message(Ticket.objects.get()) == "Βαθμολόγιο δεν ανοίγει"


def test_parsed_names_of_raw_8bit_attachments():
    for charset in ("cp1251", "utf8", "koi8r"):
        mail = parse_mail(read_corpus_mail(f"charsets/raw_8bit_name_{charset}.eml"))
        assert [a.filename for a in mail.attachments] == [corpus.RAW_NAME]
        assert mail.subject == corpus.RAW_SUBJECT
