"""A letter with several problems: one ticket, flagged for the agent, and a reply that explains
the seed's rule («В одном письме должна быть описана одна проблема»; the notice's wording is
in ``mail.mail_templates``)."""

from email.message import EmailMessage

import pytest

from edudesk.mail.ingest import ingest
from edudesk.mail.tests.conftest import SUPPORT_ADDRESS, TEACHER_ADDRESS
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)  # mail goes out after commit

LETTER = """Здравствуйте!
Регион: Тверская область
Учреждение: МБОУ СОШ №5, г. Тверь
Телефон: +7 910 555-12-34

Во-первых, в журнале 7Б не сохраняются оценки за 23 ноября. Во-вторых, у родителей 5А в \
дневнике не отображается домашнее задание.

С уважением,
Смирнова Анна Викторовна"""


def letter(text: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Смирнова Анна Викторовна <{TEACHER_ADDRESS}>"
    mail["To"] = SUPPORT_ADDRESS
    mail["Subject"] = "Проблемы с журналом"
    mail["Message-ID"] = "<several.1@school5-tver.example>"
    mail.set_content(text)
    return bytes(mail)


def reply_text(capture) -> str:
    [reply] = [m for m in capture.messages() if TEACHER_ADDRESS in m["To"]]
    return reply.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_letter_with_several_problems_is_one_ticket_and_the_reply_quotes_the_rule(
        support_mailbox, smtp_capture):
    ingest(letter(LETTER), service=support_mailbox.service, source="test", mailbox=support_mailbox)
    ticket = Ticket.objects.get()
    items = ticket.events.get(kind="created").data["problems"]
    assert items == ["В журнале 7Б не сохраняются оценки за 23 ноября.",
                     "У родителей 5А в дневнике не отображается домашнее задание."]
    text = reply_text(smtp_capture)
    assert f"под номером {ticket.number}" in text
    assert "должна быть описана одна проблема" in text
    assert "- В журнале 7Б не сохраняются оценки за 23 ноября." in text
    assert "- У родителей 5А в дневнике не отображается домашнее задание." in text


def test_letter_with_one_problem_gets_no_such_paragraph(support_mailbox, smtp_capture):
    one = LETTER.replace("Во-первых, в", "В").replace(" Во-вторых, у родителей 5А в дневнике не "
                                                       "отображается домашнее задание.", "")
    ingest(letter(one), service=support_mailbox.service, source="test", mailbox=support_mailbox)
    assert "problems" not in Ticket.objects.get().events.get(kind="created").data
    assert "должна быть описана одна проблема" not in reply_text(smtp_capture)
