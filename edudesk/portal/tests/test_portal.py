"""«Мои обращения»: one-time e-mail sign-in, strict isolation, reply, clarify, confirm, reopen."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edudesk.intake.tests import files
from edudesk.portal import auth
from edudesk.portal.tests.helpers import screenshot, upload
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Message
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def signed_in(client, contact):
    session = client.session
    session[auth.SESSION_KEY] = contact.pk
    session.save()
    return client


def page_of(client, ticket):
    return client.get(f"/support/{ticket.service.code}/requests/{ticket.number}/")


# --- sign-in ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the link's mail is queued after commit
def test_one_time_link_signs_the_teacher_in_once(client, eschool, teacher, smtp_server):
    response = client.post("/support/eschool/signin", {"email": teacher.email.upper()})
    assert "Проверьте почту" in response.content.decode()
    [mail] = smtp_server
    assert mail["To"] == teacher.email and mail["Subject"] == "Вход в «Мои обращения»"
    body = mail.get_body(("plain",)).get_content()
    link = re.search(r"http://[^/\s]+(/support/eschool/signin/\S+)", body).group(1)
    assert client.get(link).status_code == 200  # a mail scanner opening it changes nothing
    assert client.post(link).status_code == 302
    assert client.get("/support/eschool/requests/").status_code == 200
    client.post("/support/eschool/signout")
    assert client.post(link).status_code == 410


@pytest.mark.django_db(transaction=True)
def test_unknown_address_gets_the_same_answer_and_no_mail(client, eschool, smtp_server):
    response = client.post("/support/eschool/signin", {"email": "nobody@example.ru"})
    assert "Проверьте почту" in response.content.decode()
    assert smtp_server == []


def test_link_expires_after_thirty_minutes(client, eschool, teacher):
    token = auth.issue_login_link(teacher)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.post(f"/support/eschool/signin/{token}").status_code == 410


def test_link_of_another_service_does_not_work(client, eschool, uchipro, teacher):
    token = auth.issue_login_link(teacher)
    assert client.post(f"/support/uchipro/signin/{token}").status_code == 410


def test_links_per_hour_are_limited(eschool, teacher):
    tokens = [auth.issue_login_link(teacher) for _ in range(auth.LINKS_PER_HOUR + 1)]
    assert tokens[-1] is None and all(tokens[:-1])


def test_stranger_is_sent_to_sign_in(client, eschool):
    response = client.get("/support/eschool/requests/")
    assert response.status_code == 302 and response["Location"] == "/support/eschool/signin"


# --- isolation -------------------------------------------------------------------------------


def test_my_requests_lists_only_my_tickets(client, eschool, teacher, another_teacher):
    mine = factories.ticket(eschool, teacher, subject="Не сохраняются оценки")
    theirs = factories.ticket(eschool, another_teacher, subject="Пропало расписание")
    page = signed_in(client, teacher).get("/support/eschool/requests/").content.decode()
    assert mine.number in page and "Обращение зарегистрировано" in page
    assert theirs.number not in page


def test_another_users_ticket_and_its_pictures_are_404(client, eschool, teacher, another_teacher):
    theirs = factories.ticket(eschool, another_teacher)
    tickets.add_message(theirs, actor=Actor.customer(another_teacher), body="снимок",
                        attachments=[_picture()])
    signed_in(client, teacher)
    assert page_of(client, theirs).status_code == 404
    assert client.get(f"/support/eschool/requests/{theirs.number}/pictures/1").status_code == 404
    response = client.post(f"/support/eschool/requests/{theirs.number}/reply", {"body": "я тоже"})
    assert response.status_code == 404
    assert client.post(f"/support/eschool/requests/{theirs.number}/action",
                       {"action": "cancel"}).status_code == 404


def test_contact_of_another_service_sees_nothing_here(client, eschool, uchipro, teacher):
    lms_user = factories.contact(uchipro, full_name="Петров Олег")
    ticket = factories.ticket(eschool, teacher)
    signed_in(client, lms_user)
    assert page_of(client, ticket).status_code == 302  # not signed in for this service


def test_organisation_admin_sees_the_organisations_tickets_when_the_service_allows(
        client, eschool, school, teacher):
    colleague = factories.ticket(eschool, teacher, subject="Не сохраняются оценки")
    admin = factories.contact(eschool, full_name="Завуч Смирнова", org=school, is_org_admin=True)
    signed_in(client, admin)
    assert page_of(client, colleague).status_code == 404
    eschool.org_admins_see_org_tickets = True
    eschool.save()
    page = page_of(client, colleague).content.decode()
    assert colleague.number in page
    assert "Отменить обращение" not in page  # only the requester changes the ticket's state


def test_internal_notes_are_never_shown(client, eschool, teacher, line1_agent, ticket):
    tickets.add_message(ticket, actor=Actor.agent(line1_agent), body="Внутренняя заметка: баг 42",
                        kind=Message.Kind.INTERNAL)
    page = page_of(signed_in(client, teacher), ticket).content.decode()
    assert "баг 42" not in page


# --- the conversation ------------------------------------------------------------------------


def test_answering_a_clarification_moves_the_status(client, eschool, teacher, line1_agent, ticket):
    tickets.request_clarification(ticket, actor=Actor.agent(line1_agent),
                                  body="Пришлите, пожалуйста, снимок экрана с ошибкой.")
    signed_in(client, teacher)
    page = page_of(client, ticket).content.decode()
    assert "Техподдержке требуется уточнение" in page and "Ответить на уточнение" in page
    response = client.post(f"/support/eschool/requests/{ticket.number}/reply",
                           {"body": "Снимок во вложении: картинка1.", "screenshots": screenshot()})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLARIFICATION_SENT
    page = page_of(client, ticket).content.decode()
    assert "Уточнение техподдержке отправлено" in page and "картинка1" in page
    assert client.get(f"/support/eschool/requests/{ticket.number}/pictures/1")["Content-Type"] == \
        "image/png"


def test_reply_with_a_rar_is_refused_and_nothing_is_added(client, eschool, teacher, ticket):
    signed_in(client, teacher)
    response = client.post(f"/support/eschool/requests/{ticket.number}/reply",
                           {"body": "архив", "screenshots": upload("s.rar", files.rar5_empty_archive())},
                           follow=True)
    assert "архив RAR" in response.content.decode()
    assert ticket.messages.count() == 1


def test_confirming_the_solution_closes_the_ticket(client, eschool, teacher, line1_agent, ticket):
    tickets.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent))
    signed_in(client, teacher)
    assert "Подтвердить решение" in page_of(client, ticket).content.decode()
    asked = client.post(f"/support/eschool/requests/{ticket.number}/action", {"action": "confirm"})
    assert asked.url == f"/support/eschool/requests/{ticket.number}/close?action=confirm"
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED  # nothing closes before the reason is given
    client.post(f"/support/eschool/requests/{ticket.number}/action",
                {"action": "confirm", "reason": "answer_helped"})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_reopening_a_solved_ticket(client, eschool, teacher, line1_agent, ticket):
    tickets.transition(ticket, Status.RESOLVED, actor=Actor.agent(line1_agent))
    signed_in(client, teacher)
    client.post(f"/support/eschool/requests/{ticket.number}/action", {"action": "reopen"})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_WORK


def test_cancelling_and_then_no_more_actions(client, eschool, teacher, ticket):
    signed_in(client, teacher)
    client.post(f"/support/eschool/requests/{ticket.number}/action",
                {"action": "cancel", "reason": "other", "comment": "Разобралась сама"})
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    page = page_of(client, ticket).content.decode()
    assert "Отменить обращение" not in page
    # Writing is still possible: it becomes a new ticket linked to this one (tickets.policy).
    assert "сообщение будет зарегистрировано как новое обращение" in page


def test_action_not_allowed_from_the_status_is_refused(client, eschool, teacher, ticket):
    signed_in(client, teacher)
    response = client.post(f"/support/eschool/requests/{ticket.number}/action",
                           {"action": "confirm"})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED


def _picture():
    from edudesk.intake.attachments import Upload, accept_screenshot
    from edudesk.intake.pipeline import new_attachment

    return new_attachment(accept_screenshot(Upload("s.png", files.png())))


def test_my_requests_costs_the_same_queries_however_many_tickets(client, eschool, teacher,
                                                                 django_assert_max_num_queries):
    signed_in(client, teacher)
    factories.ticket(eschool, teacher)
    with django_assert_max_num_queries(6) as few:
        client.get("/support/eschool/requests/")
    for n in range(15):
        factories.ticket(eschool, teacher, subject=f"Обращение {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/support/eschool/requests/")


def test_my_requests_pages_by_keyset(client, eschool, teacher, monkeypatch):
    from edudesk.portal import views_portal

    monkeypatch.setattr(views_portal, "PAGE_SIZE", 2)
    created = [factories.ticket(eschool, teacher, subject=f"Обращение {n}") for n in range(3)]
    signed_in(client, teacher)
    first = client.get("/support/eschool/requests/").content.decode()
    assert created[2].number in first and created[0].number not in first
    cursor = first.split("?before=")[1].split('"')[0]
    second = client.get(f"/support/eschool/requests/?before={cursor}").content.decode()
    assert created[0].number in second and created[2].number not in second
