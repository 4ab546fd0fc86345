"""THE parity matrix: each support rule run through every channel it applies to.

Every rule is one test, parametrised over a table of channel adapters (``channels.py``); the
same outcome is asserted whatever the channel. To add a rule, write one test taking a channel
name from the table it applies to; to add a channel, add its adapter to the table.

The rules and the one place each lives:

* who may do what to a ticket, what a closed/cancelled/merged ticket accepts —
  ``edudesk/tickets/policy.py`` (called by ``tickets.services``);
* who is asking (identity from the channel only), the requester's data —
  ``edudesk/intake/requester.py``;
* a repeat of an open request — ``edudesk/intake/repeats.py``;
* phone numbers — ``edudesk/accounts/phones.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edudesk.accounts.models import Contact
from edudesk.mail.models import Mailbox
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Event, Message, Priority, Ticket, TicketLink
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor
from parity import channels
from parity.channels import SUPPORT_ADDRESS, World

pytestmark = pytest.mark.django_db

NEW_PROBLEM = "Не сохраняются оценки в журнале 5А по математике, появляется ошибка 500."


@pytest.fixture
def world(eschool, school, teacher, line1_agent):
    eschool.org_admins_see_org_tickets = True
    eschool.save()
    teacher.login, teacher.phone = "m.ivanova", "+78435550001"
    teacher.save()
    zavuch = factories.contact(eschool, full_name="Сидорова Анна Львовна", org=school,
                               email="zavuch@school12.example", is_org_admin=True,
                               phone="+78435550002")
    mailbox = Mailbox.objects.create(name="Техподдержка", address=SUPPORT_ADDRESS, service=eschool)
    return World(service=eschool, teacher=teacher, zavuch=zavuch, agent=line1_agent,
                 mailbox=mailbox)


def a_ticket(world: World, status: Status = Status.REGISTERED, *, channel="web") -> Ticket:
    """The teacher's ticket, moved by the agent to `status`."""
    ticket = factories.ticket(world.service, world.teacher, channel=channel,
                              subject="Не открывается расписание",
                              description="Расписание 7Б не открывается, пустая страница.")
    agent = Actor.agent(world.agent)
    path = {Status.REGISTERED: [], Status.ANSWERED: [Status.ANSWERED],
            Status.RESOLVED: [Status.RESOLVED], Status.CANCELLED: [Status.CANCELLED],
            Status.IN_WORK: [Status.IN_WORK]}[status]
    for step in path:
        ticket = tickets.transition(ticket, step, actor=agent)
    ticket.refresh_from_db()
    return ticket


# --- who may change a ticket's state ----------------------------------------------------------

@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_ACT))
@pytest.mark.parametrize("start, target", [
    (Status.REGISTERED, Status.CANCELLED),
    (Status.ANSWERED, Status.RESOLVED),
    (Status.RESOLVED, Status.IN_WORK),
])
def test_org_admin_cannot_change_the_state_of_a_colleagues_ticket(world, channel, start, target):
    ticket = a_ticket(world, start)
    result = channels.CUSTOMER_ACT[channel](world, ticket, world.zavuch, target)
    assert not result.ok
    ticket.refresh_from_db()
    assert ticket.status == start


@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_ACT))
def test_the_requester_changes_the_state_of_their_ticket(world, channel):
    ticket = a_ticket(world, Status.ANSWERED)
    result = channels.CUSTOMER_ACT[channel](world, ticket, world.teacher, Status.RESOLVED)
    assert result.ok and result.ticket.status == Status.RESOLVED


@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_org_admin_adds_information_to_a_colleagues_ticket(world, channel):
    if channel == "mail":
        pytest.skip("mail from a non-participant is held for an agent (mail.routing)")
    ticket = a_ticket(world, Status.IN_WORK)
    result = channels.CUSTOMER_REPLY[channel](world, ticket, world.zavuch, "Ошибка и у меня.")
    assert result.ok and result.ticket == ticket
    assert ticket.messages.filter(author_contact=world.zavuch).exists()


@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_a_colleague_without_rights_cannot_write_to_the_ticket(world, channel, another_teacher):
    ticket = a_ticket(world, Status.IN_WORK)
    result = channels.CUSTOMER_REPLY[channel](world, ticket, another_teacher, "Я тоже.")
    assert not ticket.messages.filter(author_contact=another_teacher).exists()
    assert result.ticket is None or result.ticket == ticket or channel == "mail"


# --- what a closed, cancelled or merged ticket accepts ---------------------------------------

@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_reply_to_a_cancelled_ticket_opens_a_new_linked_ticket(world, channel):
    old = a_ticket(world, Status.CANCELLED)
    result = channels.CUSTOMER_REPLY[channel](world, old, world.teacher, "Проблема вернулась.")
    old.refresh_from_db()
    assert old.status == Status.CANCELLED
    assert not old.messages.filter(body__contains="Проблема вернулась").exists()
    new = result.ticket
    assert result.ok and new is not None and new.pk != old.pk, result
    assert new.requester == world.teacher and new.status == Status.REGISTERED
    assert TicketLink.objects.filter(source=old, target=new).exists()
    created = Event.objects.get(ticket=new, kind="created")
    assert created.data["continues"] == old.number


@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_reply_to_a_recently_solved_ticket_reopens_it(world, channel):
    old = a_ticket(world, Status.RESOLVED)
    result = channels.CUSTOMER_REPLY[channel](world, old, world.teacher, "Не помогло.")
    old.refresh_from_db()
    assert result.ok and result.ticket == old
    assert old.status == Status.IN_WORK
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_reply_to_a_ticket_solved_long_ago_opens_a_new_linked_ticket(world, channel, settings):
    with time_machine.travel(timezone.now() - timedelta(days=settings.EDUDESK_REOPEN_DAYS + 1)):
        old = a_ticket(world, Status.RESOLVED)
    result = channels.CUSTOMER_REPLY[channel](world, old, world.teacher, "Снова та же ошибка.")
    old.refresh_from_db()
    assert old.status == Status.RESOLVED
    assert result.ok and result.ticket is not None and result.ticket.pk != old.pk
    assert TicketLink.objects.filter(source=old, target=result.ticket).exists()


@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_reply_to_a_merged_ticket_goes_to_the_original(world, channel):
    original = a_ticket(world, Status.IN_WORK)
    duplicate = a_ticket(world)
    tickets.merge(duplicate, original, actor=Actor.agent(world.agent))
    result = channels.CUSTOMER_REPLY[channel](world, duplicate, world.teacher, "Есть новости?")
    assert result.ok and result.ticket == original
    assert original.messages.filter(body__contains="Есть новости?").exists()


def test_a_merged_ticket_is_shown_as_merged_not_cancelled(world, client):
    original = a_ticket(world, Status.IN_WORK)
    duplicate = a_ticket(world)
    tickets.merge(duplicate, original, actor=Actor.agent(world.agent))
    duplicate.refresh_from_db()
    assert duplicate.status_label() == f"Объединено с {original.number}"


# --- identity comes from the channel only -----------------------------------------------------

IDENTITY_CHANNELS = sorted(channels.NEW_REQUEST)


@pytest.mark.parametrize("channel", IDENTITY_CHANNELS)
def test_a_colleagues_login_in_the_request_does_not_make_it_the_colleagues(world, channel):
    """The deputy head writes about a teacher's problem and names the teacher's login."""
    zavuch = {"full_name": "Кузнецова Ольга Петровна", "email": "kuznetsova@school12.example",
              "login": "kuznetsova", "phone": "+78435550003"}
    who = zavuch
    if channel == "api_customer":
        who = Contact.objects.create(service=world.service, email=zavuch["email"],
                                     full_name=zavuch["full_name"], phone=zavuch["phone"])
    result = channels.NEW_REQUEST[channel](
        world, who, NEW_PROBLEM, {"initiator_login": world.teacher.login,
                                  "affected_login": world.teacher.login})
    assert result.ok, result
    requester = result.ticket.requester
    assert requester != world.teacher
    assert requester.email == zavuch["email"]
    world.teacher.refresh_from_db()
    assert world.teacher.email == "m.ivanova@school12.example"
    assert requester.login in ("", zavuch["login"])


# --- a repeat of an open request --------------------------------------------------------------

REPEAT_ADDS = ["mail", "api_customer"]


@pytest.mark.parametrize("channel", REPEAT_ADDS)
def test_a_repeat_of_an_open_request_is_added_to_it(world, channel):
    first = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {})
    assert first.ok, first
    again = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM + " Всё ещё.", {})
    assert again.ok, again
    assert again.ticket == first.ticket
    assert Ticket.objects.count() == 1
    added = Event.objects.filter(ticket=first.ticket, kind="message_added").last()
    assert added.data.get("repeat") is True
    assert first.ticket.messages.filter(body__contains="Всё ещё.").exists()


def test_the_api_can_force_a_new_ticket_for_a_repeat(world):
    first = channels.new_api_customer(world, world.teacher, NEW_PROBLEM, {})
    again = channels.new_api_customer(world, world.teacher, NEW_PROBLEM, {}, repeat="new")
    assert again.ok and again.ticket != first.ticket


def test_an_agent_splits_a_repeat_out_in_one_click(world, client):
    first = channels.new_api_customer(world, world.teacher, NEW_PROBLEM, {})
    channels.new_api_customer(world, world.teacher, NEW_PROBLEM + " Это другое.", {})
    message = first.ticket.messages.filter(body__contains="Это другое.").get()
    client.force_login(world.agent)
    page = client.get(f"/desk/t/{first.ticket.number}/").content.decode()
    assert "Это новая проблема — выделить в отдельное обращение" in page
    # The one click: the form on the repeated message carries everything.
    response = client.post(f"/desk/t/{first.ticket.number}/split",
                           {"message": message.pk, "text": message.body})
    assert response.status_code == 302
    new = Ticket.objects.exclude(pk=first.ticket.pk).get()
    assert "Это другое." in new.description
    assert TicketLink.objects.filter(source=first.ticket, target=new).exists()


# --- priorities: customers up to the service's ceiling ----------------------------------------

@pytest.mark.parametrize("channel", ["api_customer"])
def test_a_customer_cannot_raise_priority_above_the_services_ceiling(world, channel):
    result = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {},
                                           priority=Priority.CRITICAL)
    assert result.ok and result.ticket.priority == Priority.NORMAL


def test_an_agent_sets_any_priority(world):
    result = channels.new_api_agent(world, world.teacher, NEW_PROBLEM, {},
                                    priority=Priority.CRITICAL)
    assert result.ok and result.ticket.priority == Priority.CRITICAL


def test_a_requester_cannot_raise_priority_of_their_ticket_above_the_ceiling(world):
    from edudesk.tickets.errors import NotPermitted

    ticket = a_ticket(world)
    with pytest.raises(NotPermitted):
        tickets.set_priority(ticket, Priority.CRITICAL, actor=Actor.customer(world.teacher))


# --- phone numbers in one form ----------------------------------------------------------------

@pytest.mark.parametrize("channel", sorted(set(channels.NEW_REQUEST) - {"api_customer"}))
def test_phone_numbers_are_kept_in_e164(world, channel):
    person = {"full_name": "Орлова Вера", "email": "orlova@school12.example",
              "phone": "8 (843) 555-12-34", "login": "orlova"}
    result = channels.NEW_REQUEST[channel](world, person, NEW_PROBLEM,
                                           {"phone": "8 (843) 555-12-34"})
    assert result.ok, result
    assert result.ticket.requester.phone == "+78435551234"


# --- agent replies: the same screenshot policy from the desk and the API -----------------------

@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
def test_an_agents_reply_refuses_a_document_with_the_rule(world, channel):
    ticket = a_ticket(world, Status.IN_WORK)
    result = channels.AGENT_REPLY[channel](world, ticket, "Смотрите инструкцию.",
                                           files=[("инструкция.doc", b"\xd0\xcf\x11\xe0 doc")])
    assert not result.ok
    assert not ticket.messages.filter(body="Смотрите инструкцию.").exists()


@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
def test_an_agents_reply_keeps_a_png_screenshot(world, channel):
    from edudesk.intake.tests import files

    ticket = a_ticket(world, Status.IN_WORK)
    result = channels.AGENT_REPLY[channel](world, ticket, "Вот где кнопка.",
                                           files=[("кнопка.png", files.png())])
    assert result.ok, result
    message = ticket.messages.get(body="Вот где кнопка.")
    assert message.kind == Message.Kind.PUBLIC
    assert message.attachments.count() == 1


# --- data given in a follow-up reaches the contact's record -----------------------------------

def test_data_given_in_a_follow_up_fills_the_contacts_record(world):
    sender = Contact.objects.create(service=world.service, email="novikova@gymn2.example",
                                    full_name="Новикова Инна")
    first = channels._deliver(world, channels.mail_from(sender, "Не открывается журнал",
                                                        "Не открывается журнал 7Б."))
    assert first.ok and first.ticket.requester == sender
    channels.reply_mail(world, first.ticket, sender,
                        "Регион: Республика Татарстан\nУчреждение: МБОУ «Гимназия № 2»")
    sender.refresh_from_db()
    assert sender.organisation is not None
    assert sender.organisation.name == "МБОУ «Гимназия № 2»"
    assert sender.organisation.region == "Республика Татарстан"


# --- agent replies go through the intake pipeline, from the desk as from the API ---------------

@pytest.mark.parametrize("channel, recorded", [("desk", "desk"), ("api", "api")])
def test_an_agents_reply_is_recorded_with_the_channel_it_came_from(world, channel, recorded):
    ticket = a_ticket(world, Status.IN_WORK)
    assert channels.AGENT_REPLY[channel](world, ticket, "Проверьте настройки журнала.").ok
    assert ticket.messages.get(body="Проверьте настройки журнала.").channel == recorded


@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
def test_an_agents_reply_longer_than_the_text_limit_is_refused(world, channel, settings):
    ticket = a_ticket(world, Status.IN_WORK)
    long_text = "Очень подробный ответ. " * (settings.EDUDESK_MAX_TEXT_CHARS // 20)
    result = channels.AGENT_REPLY[channel](world, ticket, long_text)
    assert not result.ok and result.status_code == 422
    assert not ticket.messages.filter(body__startswith="Очень подробный").exists()


@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
def test_an_agents_reply_with_a_status_move_moves_the_ticket(world, channel):
    ticket = a_ticket(world)
    result = channels.AGENT_REPLY[channel](world, ticket, "Исправлено.", status=Status.ANSWERED)
    assert result.ok, result
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED


@pytest.mark.parametrize("channel", sorted(channels.AGENT_CLARIFY))
def test_an_agents_clarification_request_keeps_its_screenshot_on_the_request(world, channel):
    from edudesk.intake.tests import files

    ticket = a_ticket(world, Status.IN_WORK)
    result = channels.AGENT_CLARIFY[channel](world, ticket, "Пришлите, пожалуйста, данные.",
                                             ["region"], files=[("где.png", files.png())])
    assert result.ok, result
    ticket.refresh_from_db()
    assert ticket.status == Status.NEEDS_CLARIFICATION
    public = ticket.messages.filter(kind=Message.Kind.PUBLIC, author_user=world.agent)
    [request] = public
    assert "Пришлите, пожалуйста, данные." in request.body
    assert request.attachments.count() == 1


# --- what the customer is told: one mail per change, never an empty one ----------------------

def new_mails(contact, since: int) -> list:
    from edudesk.mail.models import OutboundMail

    return list(OutboundMail.objects.filter(to_address=contact.email, pk__gt=since).order_by("id"))


def last_mail_id() -> int:
    from edudesk.mail.models import OutboundMail

    return OutboundMail.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
@pytest.mark.parametrize("target", ["", Status.ANSWERED, Status.IN_WORK])
def test_an_agents_reply_with_or_without_a_status_move_is_one_mail(world, channel, target):
    ticket = a_ticket(world)
    since = last_mail_id()
    assert channels.AGENT_REPLY[channel](world, ticket, "Очистите кэш браузера.", status=target).ok
    ticket.refresh_from_db()
    [mail] = new_mails(world.teacher, since)
    assert "Очистите кэш браузера." in mail.body_text
    assert f"«{ticket.status_label()}»" in mail.body_text


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
def test_an_agents_reply_that_closes_the_ticket_keeps_the_closing_mail_held_for_undo(world, channel):
    """The answer goes at once; the closing's own mail (with the rating link) waits out the undo
    window and is withdrawn if the agent undoes the closing (tickets.policy.undoable_close)."""
    ticket = a_ticket(world)
    since = last_mail_id()
    assert channels.AGENT_REPLY[channel](world, ticket, "Исправили, проверьте.",
                                         status=Status.RESOLVED).ok
    reply, closing = new_mails(world.teacher, since)
    assert reply.template == Key.AGENT_REPLY and reply.send_after is None
    assert "Исправили, проверьте." in reply.body_text
    assert closing.template == Key.CLOSED and closing.send_after is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.AGENT_CLARIFY))
@pytest.mark.parametrize("with_screenshot", [False, True])
def test_a_clarification_request_is_one_mail(world, channel, with_screenshot):
    from edudesk.intake.tests import files

    ticket = a_ticket(world)
    since = last_mail_id()
    shots = [("где.png", files.png())] if with_screenshot else []
    assert channels.AGENT_CLARIFY[channel](world, ticket, "Уточните, пожалуйста, класс.",
                                           ["region"], files=shots).ok
    [mail] = new_mails(world.teacher, since)
    assert mail.template == "clarification"
    assert "Уточните, пожалуйста, класс." in mail.body_text


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.AGENT_REPLY))
def test_an_agents_internal_note_mails_nobody(world, channel):
    ticket = a_ticket(world, Status.IN_WORK)
    since = last_mail_id()
    assert channels.AGENT_REPLY[channel](world, ticket, "Похоже на сбой кэша.", internal=True).ok
    assert new_mails(world.teacher, since) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_a_customers_reply_that_reopens_an_answered_ticket_mails_them_nothing(world, channel):
    ticket = a_ticket(world, Status.ANSWERED)
    since = last_mail_id()
    assert channels.CUSTOMER_REPLY[channel](world, ticket, world.teacher, "Не помогло.").ok
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_WORK
    assert new_mails(world.teacher, since) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_REPLY))
def test_a_reply_to_a_cancelled_ticket_is_told_by_one_registration_mail(world, channel):
    old = a_ticket(world, Status.CANCELLED)
    since = last_mail_id()
    result = channels.CUSTOMER_REPLY[channel](world, old, world.teacher, "Проблема вернулась.")
    assert result.ok and result.ticket != old
    [mail] = new_mails(world.teacher, since)
    assert result.ticket.number in mail.subject + mail.body_text
    assert f"Обращение {old.number} уже закрыто" in mail.body_text


# --- several problems in one request: the reply quotes the rule in the channel's words ---------

SEVERAL = ("Здравствуйте! Во-первых, в журнале 7Б не сохраняются оценки за 23 ноября, выходит "
           "ошибка. Во-вторых, у родителей 5А в дневнике не отображается домашнее задание.\n"
           "С уважением, Иванова М.П.")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel, rule", [
    ("mail", "В одном письме должна быть описана одна проблема"),  # seed 1, word for word
    ("api_customer", "В одном обращении должна быть описана одна проблема"),
    ("api_agent", "В одном обращении должна быть описана одна проблема"),
])
def test_the_reply_to_several_problems_quotes_the_rule_in_the_channels_words(world, channel, rule):
    since = last_mail_id()
    result = channels.NEW_REQUEST[channel](world, world.teacher, SEVERAL, {})
    assert result.ok, result
    [mail] = new_mails(world.teacher, since)
    body = " ".join(mail.body_text.split())
    assert rule in body
    assert "- В журнале 7Б не сохраняются оценки за 23 ноября, выходит ошибка." in mail.body_text
