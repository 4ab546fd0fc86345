"""The one place that decides customer notifications (mail/notifications.py): its rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edudesk.testing import factories
from edudesk.tickets import services as tickets

pytestmark = pytest.mark.django_db(transaction=True)

EDUDESK = Path(__file__).resolve().parents[2]
# The outbound queue itself, the customer rules, and the staff's SLA notices.
MAIL_COMPOSERS = {"mail/outbound.py", "mail/notifications.py", "mail/staff_notices.py"}


def plain(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_no_code_outside_the_notification_rules_composes_or_sends_mail():
    offenders = []
    for path in EDUDESK.rglob("*.py"):
        relative = path.relative_to(EDUDESK).as_posix()
        if "/tests/" in relative or relative.startswith("testing/") or relative in MAIL_COMPOSERS:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bqueue_mail\(|\bsend_mail\(|\bEmailMessage\(|\bEmailMultiAlternatives\(",
                     text):
            offenders.append(relative)
    assert offenders == []


def test_repeat_added_to_an_open_request_tells_the_sender_where_it_went(
    eschool, teacher, smtp_capture
):
    ticket = factories.ticket(eschool, teacher)
    tickets.add_message(ticket, actor=factories.as_customer(teacher),
                        body="Снова не сохраняются оценки.", event_data={"repeat": True})
    notice = smtp_capture.messages()[-1]
    assert " ".join(str(notice["Subject"]).split()) == (
        f"[{ticket.number}] Ваше сообщение добавлено к обращению {ticket.number}")
    assert "новое обращение не создано" in plain(notice)
    assert len(smtp_capture.received) == 2


def test_a_customers_ordinary_follow_up_is_not_answered_by_mail(eschool, teacher, smtp_capture):
    ticket = factories.ticket(eschool, teacher)
    tickets.add_message(ticket, actor=factories.as_customer(teacher), body="Дополняю.")
    assert len(smtp_capture.received) == 1
