"""Mail in quarantine, seen by the agents of its service: read it, make a ticket for an address."""

import pytest
from django.urls import reverse

from edudesk.mail.ingest import ingest
from edudesk.mail.models import InboundMail, Mailbox
from edudesk.mail.tests.conftest import SUPPORT_ADDRESS, read_corpus_mail
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db
State = InboundMail.State


@pytest.fixture
def mailbox(eschool):
    return Mailbox.objects.create(name="Техподдержка", address=SUPPORT_ADDRESS, service=eschool)


def quarantined(mailbox, name: str = "robust/no_from.eml") -> InboundMail:
    result = ingest(read_corpus_mail(name), service=mailbox.service, source="test", mailbox=mailbox)
    assert result.state == State.QUARANTINED
    return InboundMail.objects.get(pk=result.inbound_id)


def test_agent_sees_the_quarantined_mail_of_their_service_with_its_reason(agent_client, mailbox):
    row = quarantined(mailbox)
    html = agent_client.get(reverse("desk:quarantine")).content.decode()
    assert "Не открывается расписание" in html and "нет пригодного адреса отправителя" in html
    assert reverse("desk:quarantine_ticket", args=[row.pk]) in html
    text = agent_client.get(reverse("desk:quarantine_text", args=[row.pk]))
    assert text["Content-Type"].startswith("text/plain") and "расписание" in text.content.decode()


def test_agent_of_another_service_sees_nothing(outsider_client, mailbox):
    row = quarantined(mailbox)
    assert "Не открывается расписание" not in outsider_client.get(
        reverse("desk:quarantine")).content.decode()
    assert outsider_client.get(reverse("desk:quarantine_text", args=[row.pk])).status_code == 404
    outsider_client.post(reverse("desk:quarantine_ticket", args=[row.pk]),
                         {"address": "a.smirnova@school5-tver.example"})
    assert Ticket.objects.count() == 0


def test_agent_makes_a_ticket_for_the_address_they_type(agent_client, mailbox):
    row = quarantined(mailbox)
    url = reverse("desk:quarantine_ticket", args=[row.pk])

    agent_client.post(url, {"address": "не адрес"})
    assert Ticket.objects.count() == 0

    response = agent_client.post(url, {"address": "a.smirnova@school5-tver.example"})

    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/t/{ticket.number}/")
    assert ticket.requester.email == "a.smirnova@school5-tver.example"
    row.refresh_from_db()
    assert row.state == State.CREATED
    assert "Не открывается расписание" not in agent_client.get(
        reverse("desk:quarantine")).content.decode()


def test_encrypted_mail_run_again_stays_in_quarantine(agent_client, mailbox):
    row = quarantined(mailbox, "robust/pgp_mime_encrypted.eml")
    agent_client.post(reverse("desk:quarantine_rerun", args=[row.pk]))
    row.refresh_from_db()
    assert row.state == State.QUARANTINED and row.attempts == 2
