"""The parity matrix, notifications: what the customer is told is the same whatever the channel.

One place decides every customer notification from the ticket's events:
``edudesk/mail/notifications.py`` (``RULES``); the receipt's facts (number and date, priority and
due date, the next working day out of hours) come from ``edudesk/sla/notices.py``, the advice
to users from ``edudesk/core/advice.py``. Each rule below is one test over the table of the
channels it applies to (``channels.py``); mail is composed into the outbound queue, where the
tests read it (the SMTP port is closed: nothing is delivered, nothing is lost).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from edudesk.mail.models import Mailbox, MailTemplate, OutboundMail
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor
from parity import channels
from parity.channels import SUPPORT_ADDRESS, World

pytestmark = pytest.mark.django_db(transaction=True)  # notices are composed after commit

Key = MailTemplate.Key
SATURDAY = datetime(2026, 11, 28, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))
PROBLEM = "Не сохраняются оценки в журнале 5А по математике, появляется ошибка 500."
# Seed 1, «Важные рекомендации…»: the advice every registration notice repeats.
SEED_ADVICE = (
    "Необходимо четко отвечать на вопросы технической поддержки",
    "После создания инцидента не пытайтесь решить проблему самостоятельно",
    "не пытайтесь создать новый инцидент с идентичной проблемой",
    "Необходимо четко следовать инструкции специалиста",
)


@pytest.fixture
def world(eschool, school, teacher, line1_agent, settings):
    from edudesk.mail.tests.conftest import load_mail_test_module

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = load_mail_test_module("servers").free_port()  # nobody listens
    teacher.login, teacher.phone = "m.ivanova", "+78435550001"
    teacher.save()
    zavuch = factories.contact(eschool, full_name="Сидорова Анна Львовна", org=school,
                               email="zavuch@school12.example", is_org_admin=True)
    mailbox = Mailbox.objects.create(name="Техподдержка", address=SUPPORT_ADDRESS, service=eschool)
    return World(service=eschool, teacher=teacher, zavuch=zavuch, agent=line1_agent,
                 mailbox=mailbox)


def mails_to(contact, *templates: str) -> list[OutboundMail]:
    return list(OutboundMail.objects.filter(to_address=contact.email, template__in=templates)
                .order_by("id"))


def text(mail: OutboundMail) -> str:
    return " ".join(mail.body_text.split())


# --- registration: number and date, priority and due date, next working day, advice -----------

@pytest.mark.parametrize("channel", sorted(channels.NEW_REQUEST))
def test_the_registration_notice_says_what_the_seeds_promise(world, channel):
    with time_machine.travel(SATURDAY, tick=False):
        result = channels.NEW_REQUEST[channel](world, world.teacher, PROBLEM, {})
    assert result.ok, result
    ticket = result.ticket
    [notice] = mails_to(world.teacher, Key.REGISTERED, Key.NEEDS_DATA)
    body = text(notice)
    assert f"{ticket.number} от 28.11.2026 14:00" in body, "number and date (seed 1)"
    assert f"Приоритет: {ticket.get_priority_display()}." in body, "priority (seed 2)"
    assert "Срок исполнения" in body
    assert "специалист свяжется с вами в ближайший рабочий день — 30.11.2026 с 08:00" in body
    assert "Обязательно зафиксируйте номер и дату созданного инцидента!" in body
    for advice in SEED_ADVICE:
        assert advice in body


# --- moves the customer must act on are always told -------------------------------------------

def move_desk(world: World, ticket: Ticket, target: Status) -> int:
    client = Client()
    client.force_login(world.agent)
    return client.post(f"/desk/t/{ticket.number}/status", {"status": target}).status_code


def move_api(world: World, ticket: Ticket, target: Status) -> int:
    code, _body = channels._api(world, world.agent, "post", f"/tickets/{ticket.number}/transitions",
                                {"to": target})
    return code


AGENT_MOVE = {"desk": move_desk, "api": move_api}


@pytest.mark.parametrize("channel", sorted(AGENT_MOVE))
@pytest.mark.parametrize("target", [Status.NEEDS_CLARIFICATION, Status.ANSWERED])
def test_a_move_the_customer_must_act_on_is_told_without_a_message(world, channel, target):
    ticket = factories.ticket(world.service, world.teacher)
    assert AGENT_MOVE[channel](world, ticket, target) in (200, 302)
    ticket.refresh_from_db()
    assert ticket.status == target
    [notice] = mails_to(world.teacher, Key.STATUS_CHANGED)
    assert f"«{Status(target).label}»" in text(notice)


@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
def test_an_agents_answer_is_mailed_to_the_customer(world, channel):
    ticket = factories.ticket(world.service, world.teacher)
    assert channels.AGENT_REPLY[channel](world, ticket, "Очистите кэш браузера.").ok
    [answer] = mails_to(world.teacher, Key.AGENT_REPLY)
    assert "Очистите кэш браузера." in answer.body_text


# --- a repeat added to the open request it repeats --------------------------------------------

@pytest.mark.parametrize("channel", ["mail", "api_customer"])
def test_the_sender_of_a_repeat_is_told_where_it_went(world, channel):
    first = channels.NEW_REQUEST[channel](world, world.teacher, PROBLEM, {})
    again = channels.NEW_REQUEST[channel](world, world.teacher, PROBLEM + " Всё ещё.", {})
    assert again.ok and again.ticket == first.ticket
    [notice] = mails_to(world.teacher, Key.REPEAT_ADDED)
    assert notice.subject.endswith(f"Ваше сообщение добавлено к обращению {first.ticket.number}")


# --- a merged ticket ---------------------------------------------------------------------------

def test_a_merged_tickets_requester_is_told_merged_with_the_original_not_cancelled(world):
    original = factories.ticket(world.service, world.teacher)
    duplicate = factories.ticket(world.service, world.teacher)
    tickets.merge(duplicate, original, actor=Actor.agent(world.agent))
    [notice] = mails_to(world.teacher, Key.MERGED, Key.CLOSED, Key.STATUS_CHANGED)
    assert notice.template == Key.MERGED
    assert f"объединено с обращением {original.number}" in notice.subject
    assert "отменено" not in notice.body_text.lower()
