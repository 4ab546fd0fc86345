"""The parity matrix, mass incidents: a new request reading like an active incident is linked
to it on every channel, and its requester is told at once that it is a known problem.

The rule lives once: ``edudesk/incidents/intake.py``, called by ``intake.pipeline.register``
for every channel; what the requester is told is the notification rule of ``CREATED``
(``edudesk/mail/notifications.py``: the «известная проблема» registration notice), the API's
``known_problem`` field and the receipt page.
"""

from __future__ import annotations

import pytest
from django.test import Client

from edudesk.incidents import services as incidents
from edudesk.incidents.models import IncidentChild
from edudesk.mail.models import Mailbox, MailTemplate, OutboundMail
from edudesk.testing import factories
from edudesk.tickets.events import EventKind
from parity import channels
from parity.channels import SUPPORT_ADDRESS, World

pytestmark = pytest.mark.django_db(transaction=True)  # notices are composed after commit

OUTAGE = "Не открывается электронный журнал, страница выдаёт ошибку 502"


@pytest.fixture
def world(eschool, school, teacher, line1_agent, settings):
    from edudesk.mail.tests.conftest import load_mail_test_module

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = load_mail_test_module("servers").free_port()  # nobody listens
    teacher.login, teacher.phone = "m.ivanova", "+78435550001"
    teacher.save()
    mailbox = Mailbox.objects.create(name="Техподдержка", address=SUPPORT_ADDRESS, service=eschool)
    return World(service=eschool, teacher=teacher, zavuch=teacher, agent=line1_agent,
                 mailbox=mailbox)


@pytest.fixture
def outage(world):
    """Another school reported the outage first; the agent declared it from that ticket."""
    other_school = factories.organisation(world.service, name="МБОУ «Гимназия № 5»")
    first = factories.contact(world.service, full_name="Петрова Ольга", org=other_school,
                              email="petrova@gym5.example")
    ticket = factories.ticket(world.service, first, subject="Журнал не открывается",
                              description="С утра не открывается электронный журнал, ошибка 502.")
    return incidents.declare(
        service=world.service, agent=world.agent, title="Не открывается электронный журнал",
        public_text="С 8:15 электронный журнал недоступен (ошибка 502). Сервер восстанавливают.",
        tickets_=[ticket])


@pytest.mark.parametrize("channel", sorted(channels.NEW_REQUEST))
def test_a_request_like_an_active_incident_is_linked_and_told_it_is_known(world, outage, channel):
    result = channels.NEW_REQUEST[channel](world, world.teacher, OUTAGE, {})
    assert result.ok, result
    child = IncidentChild.objects.get(ticket=result.ticket)
    assert child.incident == outage and child.how == IncidentChild.How.AUTOMATIC
    created = result.ticket.events.get(kind=EventKind.CREATED)
    assert created.data["incident"]["id"] == outage.pk
    [notice] = OutboundMail.objects.filter(to_address=world.teacher.email,
                                           template=MailTemplate.Key.KNOWN_PROBLEM)
    body = " ".join(notice.body_text.split())
    assert result.ticket.number in body
    assert "Это известная проблема: «Не открывается электронный журнал»" in body
    assert "сообщим вам, когда она будет устранена" in body
    assert not OutboundMail.objects.filter(to_address=world.teacher.email,
                                           template=MailTemplate.Key.INCIDENT_LINKED).exists()
    if "api" in channel:  # the API's answer says it too
        response = Client().get(f"/api/v1/tickets/{result.ticket.number}",
                                HTTP_AUTHORIZATION=f"Bearer {world.token(world.agent)}")
        assert response.json()["known_problem"]["id"] == outage.pk
