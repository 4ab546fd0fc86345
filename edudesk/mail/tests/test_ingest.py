"""Mail in: every mail becomes the right ticket change — nothing lost, nothing doubled.

The mails are the corpus (tests/mail/corpus) or replies to what edudesk really sent
through a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.header import Header

import pytest
import time_machine
from django.utils import timezone

from edudesk.mail.ingest import TemporaryFailure, accept_held, ingest, rerun
from edudesk.mail.models import InboundMail, OutboundMail
from edudesk.mail.parsing import parse_mail
from edudesk.mail.tests.conftest import (
    SUPPORT_ADDRESS,
    TEACHER_ADDRESS,
    compose_reply,
    database_outage,
    load_mail_test_module,
    read_corpus_mail,
)
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.status import Status

State = InboundMail.State
pytestmark = pytest.mark.django_db(transaction=True)
RULE = "Изображения, вставленные в файлы .doc, .zip или .rar, не принимаются к рассмотрению."


def deliver(raw: bytes, mailbox):
    return ingest(raw, service=mailbox.service, source="test", mailbox=mailbox)


def with_subject(raw: bytes, text: str) -> bytes:
    """The mail with its Subject header replaced (RFC 2047, as a mail program writes it)."""
    encoded = Header(text, "utf-8").encode()
    return re.sub(rb"^Subject: .*?\r\n(?! )", f"Subject: {encoded}\r\n".encode(), raw,
                  count=1, flags=re.MULTILINE | re.DOTALL)


def subject(mail) -> str:
    return " ".join(str(mail["Subject"]).split())


def sent_to(capture, address: str = TEACHER_ADDRESS):
    return [m for m in capture.messages() if address in m["To"]]


def test_complete_request_is_registered_with_its_screenshot_and_answered_with_its_number(
    support_mailbox, smtp_capture
):
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    result = deliver(raw, support_mailbox)

    ticket = Ticket.objects.get()
    assert result.state == State.CREATED and result.ticket_id == ticket.pk
    assert ticket.status == Status.REGISTERED and ticket.channel == "email"
    assert ticket.subject == "Ошибка сохранения оценок в журнале 7«Б»"
    assert ticket.requester.email == TEACHER_ADDRESS
    assert ticket.requester.full_name == "Смирнова Анна Викторовна"
    assert ticket.fields["region"] == "Тверская область"
    assert ticket.fields["affected_login"] == "smirnova_av"
    [message] = ticket.messages.all()
    assert message.external_id == "1795941667.4417@school5-tver.example"
    assert [a.display_name for a in ticket.attachments.all()] == ["картинка1"]
    assert bytes(InboundMail.objects.get().raw) == raw
    [notice] = sent_to(smtp_capture)
    assert subject(notice).startswith(f"[{ticket.number}] Обращение зарегистрировано")
    text = notice.get_body(("plain",)).get_content()
    assert f"зарегистрировано под номером {ticket.number}" in text
    assert "Приоритет: обычный. Срок исполнения:" in text
    assert "Обязательно зафиксируйте номер и дату созданного инцидента!" in text
    assert notice["In-Reply-To"] == "<1795941667.4417@school5-tver.example>"
    assert notice["Auto-Submitted"] == "auto-generated"


def test_the_same_message_id_twice_changes_nothing(support_mailbox, smtp_capture):
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    first = deliver(raw, support_mailbox)
    second = deliver(raw, support_mailbox)
    assert second.duplicate and second.inbound_id == first.inbound_id
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 1
    assert len(smtp_capture.received) == 1


def test_incomplete_request_is_registered_and_the_one_reply_lists_exactly_what_is_missing(
    support_mailbox, smtp_capture
):
    deliver(read_corpus_mail("koi8r_plain_8bit.eml"), support_mailbox)

    ticket = Ticket.objects.get()
    assert ticket.status == Status.NEEDS_CLARIFICATION
    [reply] = sent_to(smtp_capture)
    text = reply.get_body(("plain",)).get_content().replace("\r\n", "\n")
    missing = text.split("не хватает данных:\n", 1)[1].split("\n\n", 1)[0]
    assert missing.splitlines() == [
        "- Регион",
        "- Наименование учреждения с указанием города",
        "- Логин пользователя инициатора заявки",
        "- Логин пользователя, под которым наблюдается проблема",
        "- Телефон",
    ]
    assert "«Техподдержке требуется уточнение»" in text


def test_reply_while_waiting_for_clarification_marks_clarification_sent(
    support_mailbox, smtp_capture, line1_agent
):
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    tickets.request_clarification(ticket, actor=factories.as_agent(line1_agent),
                                  body="Уточните, пожалуйста, наименование и версию браузера.",
                                  missing=["Браузер"])
    question = sent_to(smtp_capture)[-1]
    assert subject(question) == f"[{ticket.number}] Требуется уточнение: {ticket.subject}"

    answer = compose_reply(question, "Браузер — Google Chrome 131, логин smirnova_av.")
    result = deliver(answer, support_mailbox)

    ticket.refresh_from_db()
    assert result.state == State.ADDED and result.ticket_id == ticket.pk
    assert ticket.status == Status.CLARIFICATION_SENT
    latest = ticket.messages.order_by("-id").first()
    assert latest.body == "Браузер — Google Chrome 131, логин smirnova_av."
    assert latest.author_contact.email == TEACHER_ADDRESS
    original = parse_mail(bytes(InboundMail.objects.get(pk=result.inbound_id).raw))
    assert "> Уточните, пожалуйста, наименование и версию браузера." in original.text


def test_zip_attachment_is_not_stored_and_the_reply_quotes_the_rule(support_mailbox, smtp_capture):
    deliver(read_corpus_mail("nested_inline_image_and_zip.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    assert [a.content_type for a in ticket.attachments.all()] == ["image/png"]
    [reply] = sent_to(smtp_capture)
    text = reply.get_body(("plain",)).get_content()
    assert "Не приняты вложения:" in text and "скриншоты.zip" in text and RULE in text


def test_follow_up_with_a_document_gets_a_reply_quoting_the_rule(support_mailbox, smtp_capture):
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    notice = sent_to(smtp_capture)[-1]
    answer = compose_reply(notice, "Прикладываю табель.", attachments=(
        ("табель.docx", b"PK\x03\x04word/document.xml", "application/octet-stream"),))
    deliver(answer, support_mailbox)

    ticket = Ticket.objects.get()
    assert ticket.messages.count() == 2 and ticket.attachments.count() == 1
    refusal = sent_to(smtp_capture)[-1]
    assert subject(refusal).startswith(f"[{ticket.number}] Вложения не приняты")
    assert RULE in refusal.get_body(("plain",)).get_content()


def test_reply_from_someone_outside_the_ticket_is_held_for_an_agent(support_mailbox, smtp_capture):
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    notice = sent_to(smtp_capture)[-1]
    stranger = compose_reply(notice, "Это тоже моя проблема!", sender="o.petrov@school12.example",
                             sender_name="Петров Олег")
    result = deliver(stranger, support_mailbox)

    assert result.state == State.HELD and result.ticket_id == ticket.pk
    assert ticket.messages.count() == 1
    assert Event.objects.filter(ticket=ticket, kind="mail_held").count() == 1
    assert len(smtp_capture.received) == 1, "a held mail gets no automatic reply"

    accept_held(InboundMail.objects.get(pk=result.inbound_id))
    assert ticket.messages.order_by("-id").first().author_contact.email == "o.petrov@school12.example"
    assert InboundMail.objects.get(pk=result.inbound_id).state == State.ADDED


def test_bounce_of_a_notification_is_recorded_on_its_ticket_and_gets_no_reply(
    support_mailbox, smtp_capture
):
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    notice = OutboundMail.objects.get()
    dsn = read_corpus_mail("bounce_dsn.eml").replace(
        b"inc0000123.registered.3f2a@eschool.example", notice.message_id.encode())
    result = deliver(dsn, support_mailbox)

    assert result.state == State.BOUNCE and result.ticket_id == notice.ticket_id
    [event] = Event.objects.filter(kind="mail_bounced")
    assert event.data["recipients"] == ["smirnova.old@school5-tver.example"]
    assert event.data["status"] == "5.1.1"
    notice.refresh_from_db()
    assert notice.state == OutboundMail.State.BOUNCED
    assert len(smtp_capture.received) == 1


@pytest.mark.parametrize("name", ["auto_reply.eml", "newsletter_bulk.eml", "bounce_dsn.eml"])
def test_machine_mail_gets_no_reply_and_opens_no_ticket(name, support_mailbox, smtp_capture):
    result = deliver(read_corpus_mail(name), support_mailbox)
    assert result.state in (State.NOISE, State.BOUNCE)
    assert Ticket.objects.count() == 0 and smtp_capture.received == []


def test_tag_of_a_ticket_that_does_not_exist_starts_a_new_ticket(support_mailbox, smtp_capture):
    result = deliver(read_corpus_mail("unknown_ticket_tag.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    assert result.state == State.CREATED and ticket.number != "INC9999999"
    assert ticket.subject == "Ошибка сохранения оценок"


def test_subject_tag_threads_a_mail_without_threading_headers(support_mailbox, smtp_capture):
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    raw = with_subject(read_corpus_mail("unknown_ticket_tag.eml"),
                       f"Re: [{ticket.number}] Ошибка сохранения оценок")
    result = deliver(raw, support_mailbox)
    assert result.state == State.ADDED and result.ticket_id == ticket.pk
    assert Ticket.objects.count() == 1


def test_signed_reply_address_threads_when_subject_and_headers_are_lost(
    support_mailbox, smtp_capture
):
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    notice = sent_to(smtp_capture)[-1]
    assert notice["Reply-To"].startswith("edu.support+t-")
    raw = (read_corpus_mail("koi8r_plain_8bit.eml")
           .replace(b"To: " + SUPPORT_ADDRESS.encode(), b"To: " + notice["Reply-To"].encode())
           .replace(b"koi8-r.20261124", b"via-token.20261124"))
    result = deliver(raw, support_mailbox)
    assert result.state == State.ADDED and result.ticket_id == ticket.pk


def test_tag_of_another_services_ticket_is_not_matched(support_mailbox, smtp_capture, uchipro):
    learner = factories.contact(uchipro, email=TEACHER_ADDRESS)
    foreign = factories.ticket(uchipro, learner)
    raw = with_subject(read_corpus_mail("unknown_ticket_tag.eml"), f"Re: [{foreign.number}] Вопрос")
    result = deliver(raw, support_mailbox)
    assert result.state == State.CREATED and result.ticket_id != foreign.pk


def test_forwarded_mail_becomes_a_ticket_with_the_forwarded_text_and_screenshot(
    support_mailbox, smtp_capture
):
    deliver(read_corpus_mail("forwarded_message.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    assert ticket.requester.email == "e.kuznetsova@school5-tver.example"
    assert "Коллеги, пересылаю обращение" in ticket.description
    assert "---------- Пересланное сообщение ----------" in ticket.description
    assert "Логин инициатора: smirnova_av" in ticket.description
    assert ticket.attachments.count() == 1


def test_winmail_dat_screenshot_is_stored_and_the_document_inside_refused(
    support_mailbox, smtp_capture
):
    deliver(read_corpus_mail("winmail_dat.eml"), support_mailbox)
    ticket = Ticket.objects.get()
    assert [a.content_type for a in ticket.attachments.all()] == ["image/png"]
    text = sent_to(smtp_capture, "o.ivanova@minobr-tver.example")[0].get_body(("plain",)).get_content()
    assert "табель.docx" in text and RULE in text


def test_html_only_mail_keeps_readable_text_and_sanitised_html(uchipro, smtp_capture):
    from edudesk.mail.models import Mailbox

    mailbox = Mailbox.objects.create(name="Учи.Про", address="support@uchipro.example",
                                     service=uchipro)
    deliver(read_corpus_mail("html_only_cp1251.eml"), mailbox)
    ticket = Ticket.objects.get()
    message = ticket.messages.order_by("id").first()  # the letter (a request for data may follow)
    assert "крутится индикатор" in ticket.description and "<" not in ticket.description
    assert "<b>«Охрана труда для педагогов»</b>" in message.body_html
    assert "<script" not in message.body_html and "onclick" not in message.body_html
    assert ticket.fields["role"] == "teacher"


def test_new_ticket_goes_to_the_mailboxs_support_line(support_mailbox, eschool, smtp_capture):
    from edudesk.accounts.models import SupportGroup

    second_line = SupportGroup.objects.create(service=eschool, name="Вторая линия")
    support_mailbox.group = second_line
    support_mailbox.save()
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    assert Ticket.objects.get().group == second_line


def test_automatic_replies_to_one_address_are_capped_per_hour(support_mailbox, smtp_capture,
                                                              settings):
    settings.EDUDESK_MAIL_AUTO_REPLIES_PER_HOUR = 3
    # Five different problems from one address (the same one again would be added to its
    # open ticket as a repeat: intake.repeats).
    problems = ["Не открывается электронный журнал 5А.", "Не печатается расписание уроков.",
                "После входа пустая страница дневника.", "Отчёт по успеваемости не формируется.",
                "Родители не видят домашние задания.", "Не приходят уведомления о сообщениях."]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for problem in problems[:5]:
            deliver(new_request(problem), support_mailbox)
    assert Ticket.objects.count() == 5
    assert len(sent_to(smtp_capture)) == 3
    assert OutboundMail.objects.filter(state=OutboundMail.State.SUPPRESSED).count() == 2
    with time_machine.travel(start + timedelta(hours=1, minutes=1), tick=False):
        deliver(new_request(problems[5]), support_mailbox)
    assert len(sent_to(smtp_capture)) == 4


def new_request(text: str) -> bytes:
    """A teacher's new request by mail, as a mail program writes it."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    mail = EmailMessage()
    mail["From"] = f"Смирнова Анна <{TEACHER_ADDRESS}>"
    mail["To"] = SUPPORT_ADDRESS
    mail["Subject"] = text
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain="school5-tver.example")
    mail.set_content(text)
    return mail.as_bytes()


def test_oversized_mail_is_quarantined_whole_and_can_be_run_again(support_mailbox, smtp_capture,
                                                                  settings):
    settings.EDUDESK_MAIL_MAX_BYTES = 1000
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    result = deliver(raw, support_mailbox)
    row = InboundMail.objects.get(pk=result.inbound_id)
    assert row.state == State.QUARANTINED and bytes(row.raw) == raw
    assert "больше допустимого размера" in row.detail
    assert Ticket.objects.count() == 0

    settings.EDUDESK_MAIL_MAX_BYTES = 10_000_000
    assert rerun(row).state == State.CREATED
    assert Ticket.objects.count() == 1


def test_bytes_that_are_not_a_mail_are_quarantined_not_dropped(support_mailbox):
    result = deliver(b"\x00\x01 garbage without headers", support_mailbox)
    row = InboundMail.objects.get(pk=result.inbound_id)
    assert row.state == State.QUARANTINED and bytes(row.raw) == b"\x00\x01 garbage without headers"


def test_auto_reply_can_be_processed_as_a_persons_mail_by_an_administrator(
    support_mailbox, smtp_capture
):
    result = deliver(read_corpus_mail("newsletter_bulk.eml"), support_mailbox)
    assert rerun(InboundMail.objects.get(pk=result.inbound_id), treat_as_person=True).state == (
        State.CREATED)


def test_database_failure_stores_nothing_and_asks_for_a_retry(support_mailbox, smtp_capture):
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    with database_outage(), pytest.raises(TemporaryFailure):
        deliver(raw, support_mailbox)
    assert InboundMail.objects.count() == 0 and Ticket.objects.count() == 0
    assert deliver(raw, support_mailbox).state == State.CREATED
    assert Ticket.objects.count() == 1


def test_corpus_builder_is_importable_for_other_tests():
    assert "utf8_new_request_with_png.eml" in load_mail_test_module("build_corpus").CORPUS_BUILDERS


def test_sender_address_is_matched_whatever_its_letter_case(support_mailbox, smtp_capture):
    deliver(read_corpus_mail("utf8_new_request_with_png.eml"), support_mailbox)
    notice = sent_to(smtp_capture)[-1]
    result = deliver(compose_reply(notice, "Дополнение.", sender="A.Smirnova@School5-Tver.example"),
                     support_mailbox)
    assert result.state == State.ADDED
    assert Ticket.objects.get().requester.email == TEACHER_ADDRESS


def test_mail_from_our_own_support_address_is_not_answered(support_mailbox, smtp_capture):
    raw = re.sub(rb"^From: .*$", b"From: edu.support+t-1-00@eschool.example",
                 read_corpus_mail("koi8r_plain_8bit.eml"), count=1, flags=re.MULTILINE)
    result = deliver(raw, support_mailbox)
    assert result.state == State.NOISE
    assert Ticket.objects.count() == 0 and smtp_capture.received == []


def test_data_sent_in_the_clarification_reply_fills_the_tickets_empty_fields(
    support_mailbox, smtp_capture
):
    deliver(read_corpus_mail("koi8r_plain_8bit.eml"), support_mailbox)
    question = sent_to(smtp_capture)[-1]
    deliver(compose_reply(question, "Регион: Тверская область\nТелефон: +7 910 555-12-34"),
            support_mailbox)
    ticket = Ticket.objects.get()
    assert ticket.status == Status.CLARIFICATION_SENT
    assert ticket.fields["region"] == "Тверская область"
    assert ticket.fields["phone"]
    assert Event.objects.filter(ticket=ticket, kind="fields_updated").count() == 1
