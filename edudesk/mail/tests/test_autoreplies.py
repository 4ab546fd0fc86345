"""Auto-replies without auto headers: recognised by subject and words, kept out of the queue.

The corpus (tests/mail/corpus/autoreply and …/person, written by corpus_autoreplies.py) holds
out-of-office replies of the Russian and international mail programs, and the requests that
look like them and must still reach the queue.
"""

from __future__ import annotations

import re

import pytest

from edudesk.mail.autoreply import auto_reply_reason
from edudesk.mail.models import InboundMail, OutboundMail
from edudesk.mail.noise import NoiseKind
from edudesk.mail.parsing import parse_mail
from edudesk.mail.tests.conftest import CORPUS, load_mail_test_module, read_corpus_mail
from edudesk.tickets.models import Event, Ticket

State = InboundMail.State
AUTO_REPLIES = sorted(path.name for path in (CORPUS / "autoreply").glob("*.eml"))
PERSONS = sorted(path.name for path in (CORPUS / "person").glob("*.eml"))


def test_corpus_sets_on_disk_are_what_the_builder_writes():
    built = load_mail_test_module("build_corpus").build_sets()
    on_disk = {str(path.relative_to(CORPUS)): path.read_bytes()
               for folder in {p.split("/", 1)[0] for p in built}
               for path in (CORPUS / folder).glob("*.eml")}
    assert on_disk == built
    assert len(AUTO_REPLIES) >= 40 and len(PERSONS) >= 25


@pytest.mark.parametrize("name", AUTO_REPLIES)
def test_auto_reply_of_every_mail_program_is_recognised(name):
    verdict = parse_mail(read_corpus_mail(f"autoreply/{name}")).noise
    assert verdict.kind in (NoiseKind.AUTO_REPLY, NoiseKind.BULK), name


@pytest.mark.parametrize("name", PERSONS)
def test_request_that_looks_like_an_auto_reply_is_a_persons_mail(name):
    assert not parse_mail(read_corpus_mail(f"person/{name}")).noise.is_noise


@pytest.mark.parametrize(("subject", "text"), [
    ("Нет на месте: Ошибка сохранения оценок", ""),
    ("Автоответ: Я в отпуске до 7 декабря", ""),
    ("Automatic reply: [INC0000123] Обращение зарегистрировано", ""),
    ("Abwesenheitsnotiz: Ihre Anfrage", ""),
    ("Out of Office: Re: x", ""),
    ("Re: x", "Я в отпуске до 7 декабря. По срочным вопросам обращайтесь к завучу."),
    ("Re: x", "I am out of the office until Monday."),
    ("Я в отпуске", "Я в отпуске, почту читаю редко."),
])
def test_out_of_office_words_without_headers(subject, text):
    assert auto_reply_reason(subject, text)


@pytest.mark.parametrize(("subject", "text"), [
    ("Журнал", "я в отпуске, но журнал не открывается"),
    ("Я в отпуске", "Я в отпуске, но журнал не открывается."),
    ("Вопрос", "Учитель в отпуске до 30 ноября. Как передать её класс?"),
    ("Re: Автоответ: x", "Это был автоответ коллеги."),
    ("Автоответ в почте", "Как настроить автоответ?"),
    ("Отпуск", "Как отметить отпуск учителя в журнале"),
])
def test_a_person_mentioning_leave_or_autoreplies_is_not_an_auto_reply(subject, text):
    assert not auto_reply_reason(subject, text)


def test_null_return_path_is_an_automatic_mail_and_a_real_one_is_not():
    raw = read_corpus_mail("person/return_path_with_address.eml")
    assert not parse_mail(raw).noise.is_noise
    nulled = re.sub(rb"^Return-Path: <[^>]*>", b"Return-Path: <>", raw, flags=re.M)
    assert parse_mail(nulled).noise.reason == "Return-Path: <>"


@pytest.mark.django_db(transaction=True)
def test_out_of_office_on_a_tickets_thread_becomes_an_event_and_gets_no_reply(
    support_mailbox, smtp_capture
):
    from edudesk.mail.ingest import ingest

    ingest(read_corpus_mail("utf8_new_request_with_png.eml"), service=support_mailbox.service,
           source="test", mailbox=support_mailbox)
    notice = OutboundMail.objects.get()
    raw = read_corpus_mail("autoreply/outlook_ru_headers_dropped.eml").replace(
        b"inc0000123.registered.3f2a@eschool.example", notice.message_id.encode())

    result = ingest(raw, service=support_mailbox.service, source="test", mailbox=support_mailbox)

    assert result.state == State.NOISE and result.ticket_id == notice.ticket_id
    [event] = Event.objects.filter(kind="mail_auto_reply")
    assert event.ticket_id == notice.ticket_id and event.data["inbound_id"] == result.inbound_id
    assert Ticket.objects.get().messages.count() == 1
    assert OutboundMail.objects.count() == 1 and len(smtp_capture.received) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["exchange2003_ru_net_na_meste.eml", "yandex_body_only.eml",
                                  "spam_null_return_path.eml"])
def test_auto_reply_without_a_thread_opens_no_ticket_and_gets_no_reply(
    name, support_mailbox, smtp_capture
):
    from edudesk.mail.ingest import ingest

    result = ingest(read_corpus_mail(f"autoreply/{name}"), service=support_mailbox.service,
                    source="test", mailbox=support_mailbox)
    assert result.state == State.NOISE and result.ticket_id is None
    assert Ticket.objects.count() == 0 and OutboundMail.objects.count() == 0
    assert smtp_capture.received == []


@pytest.mark.django_db(transaction=True)
def test_teacher_on_leave_whose_journal_does_not_open_gets_a_ticket(support_mailbox, smtp_capture):
    from edudesk.mail.ingest import ingest

    result = ingest(read_corpus_mail("person/on_leave_but_journal_broken.eml"),
                    service=support_mailbox.service, source="test", mailbox=support_mailbox)
    assert result.state == State.CREATED and Ticket.objects.count() == 1
