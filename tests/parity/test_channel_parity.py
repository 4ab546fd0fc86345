"""THE parity matrix: each support rule of issue 10 run through every channel it applies to.

Every rule is one test, parametrised over the channels of ``channels.py`` (web, widget, portal,
mail, customer API, agent API, consultation conversion in the desk and through the API, desk
reply); the same outcome is asserted whatever the channel. To add a rule, write one test taking
a channel name from the table it applies to; to add a channel, add its adapter to the table.
Mail is composed into the outbound queue, where the notification tests read it (the SMTP port
is closed: nothing is delivered, nothing is lost).

The rules, the one place each lives, and where a channel has no such case:

* who may change a ticket's state, write to it — ``tickets/policy.py`` (asked by
  ``tickets/services.py``); portal and API (mail cannot change a state; a letter from a
  non-participant is held for an agent by ``mail/routing.py``);
* cancelling says why, and the one who closed may undo it for a short time —
  ``tickets/policy.py``; portal, desk and API;
* what a closed, cancelled or merged ticket does with a customer's reply — ``tickets/policy.py``;
  portal, mail, API;
* who is asking: identity from the channel only — ``intake/requester.py``; every new request;
* a repeat of an open request — ``intake/repeats.py``: added to it from mail and the customer
  API, offered on the web form and the widget, never for agents (agent API, consultations);
* several problems in one request — ``intake/multiproblem.py`` and ``intake/pipeline.py``
  (mail and API: one ticket, flagged; the web form and the widget offer the split first); the
  reply's words — ``mail/mail_templates.py``;
* the kind of problem of a request without one — ``intake/categorize.py`` (mail and API infer
  it; the web form and the widget make the user choose; an agent chooses it);
* customers' priority ceiling — ``tickets/policy.py``; the customer API (the forms offer no
  priority; agents set any);
* phone numbers in E.164 — ``accounts/phones.py``; every new request;
* agents' messages (screenshot policy, text limit, status move, clarification) —
  ``intake/pipeline.py`` (follow-up path); desk reply and agent API;
* data given in a follow-up completes the contact — ``intake/pipeline.py``; mail;
* what the customer is told, once per change — ``mail/notifications.py`` (``RULES``), the
  receipt's facts ``sla/notices.py``, the advice ``core/advice.py``; every channel.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from edudesk.accounts.models import Contact
from edudesk.mail.models import Mailbox, MailTemplate, OutboundMail
from edudesk.testing import factories
from edudesk.tickets import policy
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Event, Message, Priority, Ticket, TicketLink
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor
from parity import channels
from parity.channels import SUPPORT_ADDRESS, World

pytestmark = pytest.mark.django_db

NEW_PROBLEM = "Не сохраняются оценки в журнале 5А по математике, появляется ошибка 500."


@pytest.fixture
def world(eschool, school, teacher, line1_agent, settings):
    from edudesk.mail.tests.conftest import load_mail_test_module

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = load_mail_test_module("servers").free_port()  # nobody listens
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
        ticket = tickets.transition(ticket, step, actor=agent,
                                    reason=channels.PORTAL_REASONS.get(step, ""))
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


# --- closing says why, and can be undone for a short time (tickets/policy.py) ------------------

@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_ACT))
def test_the_requester_cannot_cancel_without_a_reason(world, channel):
    ticket = a_ticket(world, Status.IN_WORK)
    assert not channels.CUSTOMER_ACT[channel](world, ticket, world.teacher, Status.CANCELLED,
                                              reason="").ok
    assert ticket.status == Status.IN_WORK


@pytest.mark.parametrize("channel", sorted(channels.AGENT_MOVE))
def test_an_agent_cannot_cancel_without_a_reason(world, channel):
    ticket = a_ticket(world, Status.IN_WORK)
    assert not channels.AGENT_MOVE[channel](world, ticket, Status.CANCELLED, reason="").ok
    assert ticket.status == Status.IN_WORK


@pytest.mark.parametrize("channel", sorted(channels.CUSTOMER_UNDO))
def test_the_requester_undoes_their_cancelling_within_the_window_only(world, channel):
    ticket = a_ticket(world, Status.IN_WORK)
    assert channels.CUSTOMER_ACT[channel](world, ticket, world.teacher, Status.CANCELLED).ok
    assert channels.CUSTOMER_UNDO[channel](world, ticket, world.teacher).ok
    assert ticket.status == Status.IN_WORK
    assert channels.CUSTOMER_ACT[channel](world, ticket, world.teacher, Status.CANCELLED).ok
    with time_machine.travel(timezone.now() + policy.undo_window() + timedelta(minutes=1)):
        assert not channels.CUSTOMER_UNDO[channel](world, ticket, world.teacher).ok
    assert ticket.status == Status.CANCELLED


@pytest.mark.parametrize("channel", sorted(channels.AGENT_UNDO))
def test_an_agent_undoes_their_cancelling_within_the_window_only(world, channel):
    ticket = a_ticket(world, Status.IN_WORK)
    assert channels.AGENT_MOVE[channel](world, ticket, Status.CANCELLED).ok
    assert channels.AGENT_UNDO[channel](world, ticket).ok
    assert ticket.status == Status.IN_WORK
    assert channels.AGENT_MOVE[channel](world, ticket, Status.CANCELLED).ok
    with time_machine.travel(timezone.now() + policy.undo_window() + timedelta(minutes=1)):
        assert not channels.AGENT_UNDO[channel](world, ticket).ok
    assert ticket.status == Status.CANCELLED


# A letter from someone who has not written in the ticket yet is held for an agent (mail.routing).
@pytest.mark.parametrize("channel", sorted(set(channels.CUSTOMER_REPLY) - {"mail"}))
def test_org_admin_adds_information_to_a_colleagues_ticket(world, channel):
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


@pytest.mark.parametrize("channel", ["web", "widget"])
def test_a_repeat_on_the_forms_is_offered_to_be_added_before_registering(world, channel):
    first = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {})
    assert first.ok, first
    again = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {}, stop_at_review=True)
    assert again.detail == "review" and Ticket.objects.count() == 1


@pytest.mark.parametrize("channel", ["api_agent", "consultation_desk", "consultation_api"])
def test_an_agent_registering_the_same_problem_again_gets_a_new_ticket(world, channel):
    first = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {})
    again = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {})
    assert first.ok and again.ok and again.ticket != first.ticket


@pytest.mark.parametrize("channel", REPEAT_ADDS)
def test_another_problem_in_the_teachers_usual_letter_is_not_taken_for_a_repeat(world, channel):
    """GIVEN a teacher who frames every letter alike and has one open request,
    WHEN she writes about another problem, THEN it is a new ticket; the same problem again
    (other words, same frame) is added to the open one."""
    frame = ("Здравствуйте! МБОУ СОШ №12 г. Торжка, учитель математики 5А и 6Б классов, "
             "классный руководитель 5А.\n{}\nИванова М.П., кабинет 21, электронный журнал")
    earlier = channels.NEW_REQUEST[channel](world, world.teacher,
                                            frame.format("Не формируется отчёт за четверть"), {})
    earlier.ticket.status = "closed"
    earlier.ticket.save(update_fields=["status"])
    first = channels.NEW_REQUEST[channel](world, world.teacher, frame.format(NEW_PROBLEM), {})
    other = channels.NEW_REQUEST[channel](
        world, world.teacher, frame.format("Пропало расписание на следующую неделю у 6Б."), {})
    assert other.ok and other.ticket not in (first.ticket, earlier.ticket)
    again = channels.NEW_REQUEST[channel](
        world, world.teacher, frame.format("Оценки по математике в 5А так и не сохраняются, "
                                           "ошибка 500."), {})
    assert again.ticket == first.ticket


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


# --- several problems in one request ------------------------------------------------------------

SEVERAL = ("Здравствуйте! Во-первых, в журнале 7Б не сохраняются оценки за 23 ноября, выходит "
           "ошибка. Во-вторых, у родителей 5А в дневнике не отображается домашнее задание.\n"
           "С уважением, Иванова М.П.")
SEVERAL_ITEMS = ["В журнале 7Б не сохраняются оценки за 23 ноября, выходит ошибка.",
                 "У родителей 5А в дневнике не отображается домашнее задание."]
ONE_FAULT_OF_TWO = ("Не открывается журнал у учителя Ивановой М.П. Также не открывается журнал у "
                    "учителя Петрова С.С.")
ONE_TICKET_CHANNELS = ["api_agent", "api_customer", "mail"]


def one_ticket_request(world: World, channel: str, text: str, **extra) -> channels.Result:
    """A request on the channels that register several problems as one flagged ticket."""
    if channel == "mail":
        return channels.new_mail(world, world.teacher, text, {}, plain=True)
    return channels.NEW_REQUEST[channel](world, world.teacher, text, {}, **extra)


@pytest.mark.parametrize("channel", ONE_TICKET_CHANNELS)
def test_several_problems_become_one_ticket_flagged_with_the_items(world, channel):
    result = one_ticket_request(world, channel, SEVERAL, category="other")
    assert result.ok, result
    assert Ticket.objects.count() == 1
    assert result.ticket.events.get(kind="created").data["problems"] == SEVERAL_ITEMS


@pytest.mark.parametrize("channel", ONE_TICKET_CHANNELS)
def test_one_fault_of_two_people_is_not_flagged(world, channel):
    result = one_ticket_request(world, channel, ONE_FAULT_OF_TWO, category="other")
    assert result.ok, result
    assert "problems" not in result.ticket.events.get(kind="created").data


@pytest.mark.parametrize("channel", ["web", "widget"])
def test_the_forms_offer_the_split_before_registering(world, channel):
    result = channels.NEW_REQUEST[channel](world, world.teacher, SEVERAL, {}, stop_at_review=True)
    assert result.detail == "review" and Ticket.objects.count() == 0


# --- the kind of problem ---------------------------------------------------------------------

ERROR_TEXT = "При сохранении оценки в журнале выходит сообщение об ошибке «Ошибка сохранения»."


@pytest.mark.parametrize("channel", ONE_TICKET_CHANNELS)
def test_a_request_without_category_gets_one_inferred_with_its_confidence(world, channel):
    result = one_ticket_request(world, channel, ERROR_TEXT, category="")
    assert result.ok, result
    suggestion = result.ticket.events.get(kind="created").data["category_suggestion"]
    assert result.ticket.category == suggestion["category"] == "error"
    assert 0 < suggestion["confidence"] <= 1


# A letter has no chooser; the forms and a consultation's conversion always choose.
@pytest.mark.parametrize("channel", ["api_agent", "api_customer", "consultation_api",
                                     "consultation_desk", "web", "widget"])
def test_a_chosen_category_is_kept(world, channel):
    result = channels.NEW_REQUEST[channel](world, world.teacher, ERROR_TEXT, {})
    assert result.ok, result
    assert result.ticket.category == "error"
    assert "category_suggestion" not in result.ticket.events.get(kind="created").data


@pytest.mark.parametrize("channel", ["web", "widget"])
def test_the_forms_ask_the_user_to_choose_a_category(world, channel):
    result = channels.NEW_REQUEST[channel](world, world.teacher, ERROR_TEXT, {"category": ""})
    assert not result.ok and result.status_code == 400
    assert Ticket.objects.count() == 0


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

Key = MailTemplate.Key
SATURDAY = datetime(2026, 11, 28, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))
# Seed 1, «Важные рекомендации…»: the advice every registration notice repeats.
SEED_ADVICE = (
    "Необходимо четко отвечать на вопросы технической поддержки",
    "После создания инцидента не пытайтесь решить проблему самостоятельно",
    "не пытайтесь создать новый инцидент с идентичной проблемой",
    "Необходимо четко следовать инструкции специалиста",
)


def new_mails(contact, since: int) -> list[OutboundMail]:
    return list(OutboundMail.objects.filter(to_address=contact.email, pk__gt=since).order_by("id"))


def last_mail_id() -> int:
    return OutboundMail.objects.order_by("-id").values_list("id", flat=True).first() or 0


def text(mail: OutboundMail) -> str:
    return " ".join(mail.body_text.split())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.NEW_REQUEST))
def test_the_registration_notice_says_what_the_seeds_promise_in_one_mail(world, channel):
    with time_machine.travel(SATURDAY, tick=False):
        result = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {})
    assert result.ok, result
    ticket = result.ticket
    [notice] = new_mails(world.teacher, 0)
    assert notice.template in (Key.REGISTERED, Key.NEEDS_DATA)
    body = text(notice)
    assert f"{ticket.number} от 28.11.2026 14:00" in body, "number and date (seed 1)"
    assert f"Приоритет: {ticket.get_priority_display()}." in body, "priority (seed 2)"
    assert "Срок исполнения" in body
    assert "специалист свяжется с вами в ближайший рабочий день — 30.11.2026 с 08:00" in body
    assert "Обязательно зафиксируйте номер и дату созданного инцидента!" in body
    for advice in SEED_ADVICE:
        assert advice in body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", sorted(channels.AGENT_MOVE))
@pytest.mark.parametrize("target", [Status.NEEDS_CLARIFICATION, Status.ANSWERED])
def test_a_move_the_customer_must_act_on_is_told_without_a_message(world, channel, target):
    ticket = a_ticket(world)
    since = last_mail_id()
    assert channels.AGENT_MOVE[channel](world, ticket, target).ok
    [notice] = new_mails(world.teacher, since)
    assert notice.template == Key.STATUS_CHANGED
    assert f"«{Status(target).label}»" in text(notice)


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


# --- a repeat added to the open request it repeats; a merge ---------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("channel", ["mail", "api_customer"])
def test_the_sender_of_a_repeat_is_told_where_it_went(world, channel):
    first = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM, {})
    since = last_mail_id()
    again = channels.NEW_REQUEST[channel](world, world.teacher, NEW_PROBLEM + " Всё ещё.", {})
    assert again.ok and again.ticket == first.ticket
    [notice] = new_mails(world.teacher, since)
    assert notice.template == Key.REPEAT_ADDED
    assert notice.subject.endswith(f"Ваше сообщение добавлено к обращению {first.ticket.number}")


@pytest.mark.django_db(transaction=True)
def test_a_merged_tickets_requester_is_told_merged_with_the_original_not_cancelled(world):
    original = a_ticket(world)
    duplicate = a_ticket(world)
    since = last_mail_id()
    tickets.merge(duplicate, original, actor=Actor.agent(world.agent))
    [notice] = new_mails(world.teacher, since)
    assert notice.template == Key.MERGED
    assert f"объединено с обращением {original.number}" in notice.subject
    assert "отменено" not in notice.body_text.lower()
