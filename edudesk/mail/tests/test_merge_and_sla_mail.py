"""Mail joined to the rest of the desk: the merge notice, and SLA escalations to the supervisor."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from edudesk.mail.ingest import ingest
from edudesk.mail.models import MailTemplate, OutboundMail
from edudesk.mail.staff_notices import notify_supervisor
from edudesk.mail.tests.conftest import TEACHER_ADDRESS, compose_reply, read_corpus_mail
from edudesk.sla.escalation import sweep
from edudesk.testing import factories
from edudesk.tickets import outbox
from edudesk.tickets import services as tickets
from edudesk.tickets.events import handler_name
from edudesk.tickets.models import Event, Message, PendingEffect, Ticket

pytestmark = pytest.mark.django_db(transaction=True)
MSK = ZoneInfo("Europe/Moscow")
SUPERVISOR_ADDRESS = "e.volkova@eschool.example"


def plain(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def subject(mail) -> str:
    return " ".join(str(mail["Subject"]).split())


def mails_to(capture, address: str) -> list:
    return [m for m in capture.messages() if str(m["To"]) == address]


def second_request(mailbox) -> Ticket:
    """Анна Викторовна writes again about the same journal, as a new mail."""
    mail = EmailMessage()
    mail["From"] = f"Смирнова Анна Викторовна <{TEACHER_ADDRESS}>"
    mail["To"] = mailbox.address
    mail["Subject"] = "Снова не сохраняются оценки"
    mail["Message-ID"] = "<again.4418@school5-tver.example>"
    mail.set_content("Оценки в журнале 7«Б» опять не сохраняются.\n\nРегион: Тверская область\n")
    result = ingest(mail.as_bytes(), service=mailbox.service, source="test", mailbox=mailbox)
    return Ticket.objects.get(pk=result.ticket_id)


def test_merged_duplicates_requester_is_told_the_number_to_follow_in_the_duplicates_thread(
    support_mailbox, smtp_capture, line1_agent
):
    ingest(read_corpus_mail("utf8_new_request_with_png.eml"), service=support_mailbox.service,
           source="test", mailbox=support_mailbox)
    original = Ticket.objects.get()
    duplicate = second_request(support_mailbox)
    duplicate_notice = OutboundMail.objects.get(ticket=duplicate)
    before = len(smtp_capture.received)

    tickets.merge(duplicate, original, actor=factories.as_agent(line1_agent))

    [notice] = smtp_capture.messages()[before:]
    assert notice["To"] == TEACHER_ADDRESS
    assert subject(notice) == (
        f"[{duplicate.number}] Обращение объединено с обращением {original.number}")
    text = plain(notice)
    assert f"Ваше обращение {duplicate.number} «Снова не сохраняются оценки» объединено" in text
    assert f"Следите за решением в обращении {original.number}" in text
    assert notice["In-Reply-To"] == f"<{duplicate_notice.message_id}>"
    assert "<again.4418@school5-tver.example>" in str(notice["References"]).split(), (
        "the thread of the duplicate still starts with her mail, though it moved")
    assert OutboundMail.objects.filter(ticket=duplicate, template=MailTemplate.Key.CLOSED).count() == 0, (
        "the merge notice replaces «Отменено»")

    # Her answer to the notice lands in the original, where the news comes from.
    ingest(compose_reply(notice, "Спасибо, буду ждать."), service=support_mailbox.service,
           source="test", mailbox=support_mailbox)
    assert Message.objects.filter(ticket=original, body__startswith="Спасибо, буду ждать.").exists()


def test_merge_notice_is_in_english_for_an_english_speaking_requester(eschool, smtp_capture,
                                                                     line1_agent):
    MailTemplate.objects.filter(key=MailTemplate.Key.MERGED, language="en").update(
        subject="Merged into {{ original_number }}",
        body_text="Follow {{ original_number }} from now on.")
    contact = factories.contact(eschool, full_name="John Smith", email="j.smith@school.example",
                                language="en")
    original = factories.ticket(eschool, contact, subject="Journal does not open")
    duplicate = factories.ticket(eschool, contact, subject="Journal still does not open")

    tickets.merge(duplicate, original, actor=factories.as_agent(line1_agent))

    notice = smtp_capture.messages()[-1]
    assert subject(notice) == f"[{duplicate.number}] Merged into {original.number}"
    assert plain(notice) == f"Follow {original.number} from now on.\n"


@pytest.fixture
def line_supervisor(eschool, supervisor):
    """Волкова Елена supervises the first line, where new requests land; she has an address."""
    supervisor.email = SUPERVISOR_ADDRESS
    supervisor.save()
    group = eschool.groups.get(is_default=True)
    group.supervisor = supervisor
    group.save()
    return supervisor


def test_breached_review_mails_the_supervisor_exactly_once_even_when_the_job_runs_again(
    eschool, teacher, line_supervisor, smtp_capture
):
    ticket = factories.ticket(eschool, teacher, now=datetime(2026, 11, 23, 9, 0, tzinfo=MSK))

    assert sweep(datetime(2026, 11, 23, 10, 0, tzinfo=MSK)).escalated == 1
    breach = Event.objects.get(ticket=ticket, kind="sla_breached")
    retried = PendingEffect.objects.create(event=breach, handlers=[handler_name(notify_supervisor)])
    outbox.dispatch([retried.pk])  # the outbox dispatches the same work again
    assert notify_supervisor(breach) == []
    assert sweep(datetime(2026, 11, 23, 10, 5, tzinfo=MSK)).escalated == 0

    [mail] = mails_to(smtp_capture, SUPERVISOR_ADDRESS)
    assert subject(mail) == f"[{ticket.number}] Срок нарушен: Не сохраняются оценки"
    text = plain(mail)
    assert f"Обращение {ticket.number}: срок «рассмотрение» нарушен, срок был 23.11.2026 10:00." in text
    assert "Линия: Первая линия." in text
    assert f"/desk/t/{ticket.number}/" in text
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Reply-To"] is None and mail["In-Reply-To"] is None, (
        "staff mail stays out of the customer's thread")
    assert OutboundMail.objects.filter(to_address=SUPERVISOR_ADDRESS).count() == 1


def test_warning_at_80_percent_is_mailed_and_staff_mail_never_threads_customer_mail(
    eschool, teacher, line_supervisor, smtp_capture, line1_agent
):
    ticket = factories.ticket(eschool, teacher, now=datetime(2026, 11, 23, 9, 0, tzinfo=MSK))
    sweep(datetime(2026, 11, 23, 9, 48, tzinfo=MSK))

    [warning] = mails_to(smtp_capture, SUPERVISOR_ADDRESS)
    assert subject(warning) == f"[{ticket.number}] Срок под угрозой: Не сохраняются оценки"
    tickets.add_message(ticket, actor=factories.as_agent(line1_agent), body="Проверяем.")
    answer = mails_to(smtp_capture, teacher.email)[-1]
    assert warning["Message-ID"] not in str(answer["References"])


def test_no_supervisor_address_no_staff_mail(eschool, teacher, supervisor, smtp_capture):
    group = eschool.groups.get(is_default=True)
    group.supervisor = supervisor  # no e-mail address
    group.save()
    factories.ticket(eschool, teacher, now=datetime(2026, 11, 23, 9, 0, tzinfo=MSK))
    sweep(datetime(2026, 11, 23, 10, 0, tzinfo=MSK))
    assert [m["To"] for m in smtp_capture.messages()] == [teacher.email]
