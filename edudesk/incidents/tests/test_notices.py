"""What the requesters of a mass incident's children are told, composed after commit."""

import pytest
from django.test import Client

from edudesk.incidents import services
from edudesk.incidents.models import IncidentChild, IncidentSuggestion
from edudesk.incidents.tests.conftest import OUTAGE_TEXT, OUTAGE_TITLE, SAME_OUTAGE, outage_ticket
from edudesk.mail.models import MailTemplate, OutboundMail

pytestmark = pytest.mark.django_db(transaction=True)

Key = MailTemplate.Key


@pytest.fixture(autouse=True)
def _nobody_listens(settings):
    from edudesk.mail.tests.conftest import load_mail_test_module

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = load_mail_test_module("servers").free_port()


def templates_to(contact) -> list[str]:
    return list(OutboundMail.objects.filter(to_address=contact.email).order_by("id")
                .values_list("template", flat=True))


def test_a_ticket_linked_later_tells_its_requester_it_is_a_known_problem(eschool, teachers, line1_agent):
    ticket = outage_ticket(eschool, teachers[0])
    services.declare(service=eschool, agent=line1_agent, title=OUTAGE_TITLE, public_text=OUTAGE_TEXT,
                     tickets_=[ticket])
    assert templates_to(teachers[0]) == [Key.REGISTERED, Key.INCIDENT_LINKED]
    mail = OutboundMail.objects.get(template=Key.INCIDENT_LINKED)
    assert OUTAGE_TEXT in " ".join(mail.body_text.split())
    assert f"/status/{eschool.code}" in mail.body_text


def test_an_update_is_one_reply_mail_per_child_and_the_resolution_one_closing_mail(
        eschool, teachers, line1_agent):
    children = [outage_ticket(eschool, t, text) for t, text in zip(teachers, SAME_OUTAGE, strict=True)]
    incident = services.declare(service=eschool, agent=line1_agent, title=OUTAGE_TITLE,
                                public_text=OUTAGE_TEXT, tickets_=children)
    services.post_update(incident, agent=line1_agent, body="Перезапускаем сервер.")
    services.resolve(incident, agent=line1_agent, closing_text="Журнал снова работает.")
    for teacher, ticket in zip(teachers, children, strict=True):
        told = templates_to(teacher)
        assert told == [Key.REGISTERED, Key.INCIDENT_LINKED, Key.AGENT_REPLY, Key.INCIDENT_RESOLVED]
        closing = OutboundMail.objects.get(to_address=teacher.email, template=Key.INCIDENT_RESOLVED)
        assert "Журнал снова работает." in closing.body_text and ticket.number in closing.subject


def test_a_weak_likeness_is_suggested_and_the_agent_links_it_in_one_click(
        eschool, teachers, line1_agent):
    # Two outages at once: the journal and the parents' diary
    incident = services.declare(service=eschool, agent=line1_agent, title=OUTAGE_TITLE,
                                public_text="С 8:15 электронный журнал не открывается: ошибка 502.")
    services.declare(service=eschool, agent=line1_agent, title="Не открывается электронный дневник",
                     public_text="С 8:15 электронный дневник не открывается у родителей: ошибка 502.")
    vague = Client()
    from edudesk.testing import factories

    token = factories.token_for(teachers[1])
    response = vague.post("/api/v1/tickets", {
        "service": eschool.code, "category": "other",
        "description": "Журнал и дневник не открываются",
        "fields": {"region": "Республика Татарстан", "institution": "Гимназия № 5",
                   "initiator_login": "o.p", "affected_login": "o.p", "phone": "+78435550005"}},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.json()
    assert response.json()["known_problem"] is None
    number = response.json()["number"]
    suggestion = IncidentSuggestion.objects.get(ticket__number=number)
    assert suggestion.incident == incident
    desk = Client()
    desk.force_login(line1_agent)
    page = desk.get(f"/desk/t/{number}/").content.decode()
    assert "Возможно, это массовый инцидент" in page
    response = desk.post(f"/desk/incidents/{incident.pk}/link",
                         {"number": number, "next": f"/desk/t/{number}/"})
    assert response.status_code == 302 and response.url == f"/desk/t/{number}/"
    assert IncidentChild.objects.get(ticket__number=number).how == IncidentChild.How.AGENT
    assert not IncidentSuggestion.objects.exists()
    assert Key.INCIDENT_LINKED in templates_to(teachers[1])
