"""Two intake rules run through every channel they apply to (rows for the parity matrix):

* several problems in one request — ``edudesk/intake/multiproblem.py`` (detection),
  ``intake.pipeline._intake_findings`` (mail and API: one ticket, flagged), the portal's review
  step (web and widget: the user is offered the split before registering);
* the kind of problem of a request without one — ``edudesk/intake/categorize.py`` (mail and
  API infer it; the web form and the widget make the user choose).
"""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from edudesk.intake.tests import files
from edudesk.mail.ingest import ingest
from edudesk.mail.models import Mailbox
from edudesk.testing import factories
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

SUPPORT = "edu.support@eschool.example"
SEVERAL = ("Здравствуйте! Во-первых, в журнале 7Б не сохраняются оценки за 23 ноября, выходит "
           "ошибка. Во-вторых, у родителей 5А в дневнике не отображается домашнее задание.\n"
           "С уважением, Иванова М.П.")
ERROR_TEXT = "При сохранении оценки в журнале выходит сообщение об ошибке «Ошибка сохранения»."
ESCHOOL_COMMON = {"region": "Республика Татарстан", "institution": "МБОУ СОШ № 12, г. Казань",
                  "initiator_login": "m.ivanova", "affected_login": "m.ivanova",
                  "phone": "+78435550001", "full_name": "Иванова Мария Петровна"}


def by_mail(eschool, teacher, text: str, category: str = "") -> Ticket | None:
    mailbox = Mailbox.objects.get_or_create(address=SUPPORT, defaults={
        "name": "Техподдержка", "service": eschool})[0]
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"Иванова <{teacher.email}>", SUPPORT, "Журнал"
    mail["Message-ID"] = f"<{Ticket.objects.count()}.rules@school12.example>"
    mail.set_content(text)
    result = ingest(bytes(mail), service=eschool, source="test", mailbox=mailbox)
    return Ticket.objects.get(pk=result.ticket_id)


def _api(owner, payload: dict) -> Ticket | None:
    response = Client().post("/api/v1/tickets", data=json.dumps(payload),
                             content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {factories.token_for(owner)}")
    assert response.status_code == 201, response.json()
    return Ticket.objects.get(number=response.json()["number"])


def by_customer_api(eschool, teacher, text: str, category: str = "") -> Ticket | None:
    return _api(teacher, {"service": "eschool", "description": text, "category": category,
                          "fields": ESCHOOL_COMMON})


def by_agent_api(eschool, teacher, text: str, category: str = "") -> Ticket | None:
    agent = factories.agent(eschool, username=f"api-agent-{Ticket.objects.count()}")
    return _api(agent, {"service": "eschool", "description": text, "category": category,
                        "requester": {"email": teacher.email, "full_name": teacher.full_name},
                        "fields": ESCHOOL_COMMON})


ONE_TICKET_CHANNELS = {"mail": by_mail, "api_customer": by_customer_api, "api_agent": by_agent_api}


def by_web_form(client, text: str, category: str):
    form = {"step": "submit", "category": category, "description": text, "email": "a@b.example",
            "browser": "Chrome 120", "steps": "Открываю журнал", **ESCHOOL_COMMON}
    if category == "error":
        form["screenshots"] = SimpleUploadedFile("s.png", files.png(), content_type="image/png")
    return client.post("/support/eschool/new", form)


# --- several problems in one request --------------------------------------------------------

@pytest.mark.parametrize("channel", sorted(ONE_TICKET_CHANNELS))
def test_several_problems_become_one_ticket_flagged_with_the_items(eschool, teacher, channel):
    ticket = ONE_TICKET_CHANNELS[channel](eschool, teacher, SEVERAL, "other")
    assert Ticket.objects.count() == 1
    assert ticket.events.get(kind="created").data["problems"] == [
        "В журнале 7Б не сохраняются оценки за 23 ноября, выходит ошибка.",
        "У родителей 5А в дневнике не отображается домашнее задание."]


@pytest.mark.parametrize("channel", sorted(ONE_TICKET_CHANNELS))
def test_one_fault_of_two_people_is_not_flagged(eschool, teacher, channel):
    text = ("Не открывается журнал у учителя Ивановой М.П. Также не открывается журнал у учителя "
            "Петрова С.С.")
    ticket = ONE_TICKET_CHANNELS[channel](eschool, teacher, text, "other")
    assert "problems" not in ticket.events.get(kind="created").data


def test_the_web_form_offers_the_split_before_registering(client, eschool):
    response = by_web_form(client, SEVERAL, "error")
    assert response.status_code == 200 and "/review/" in response.content.decode()
    assert Ticket.objects.count() == 0


# --- the kind of problem ----------------------------------------------------------------------

@pytest.mark.parametrize("channel", sorted(ONE_TICKET_CHANNELS))
def test_a_request_without_category_gets_one_inferred_with_its_confidence(eschool, teacher, channel):
    ticket = ONE_TICKET_CHANNELS[channel](eschool, teacher, ERROR_TEXT)
    suggestion = ticket.events.get(kind="created").data["category_suggestion"]
    assert ticket.category == suggestion["category"] == "error"
    assert 0 < suggestion["confidence"] <= 1


@pytest.mark.parametrize("channel", ["api_agent", "api_customer"])  # a letter has no chooser
def test_a_chosen_category_is_kept(eschool, teacher, channel):
    ticket = ONE_TICKET_CHANNELS[channel](eschool, teacher, ERROR_TEXT, "other")
    assert ticket.category == "other"
    assert "category_suggestion" not in ticket.events.get(kind="created").data


def test_the_web_form_asks_the_user_to_choose(client, eschool):
    response = by_web_form(client, ERROR_TEXT, "")
    assert response.status_code == 400 and Ticket.objects.count() == 0
