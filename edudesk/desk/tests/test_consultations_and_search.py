import pytest
from django.urls import reverse

from edudesk.desk.lookup import lookup_tickets, number_candidates
from edudesk.tickets.models import Consultation, Ticket
from edudesk.tickets.status import Status

pytestmark = pytest.mark.django_db


def test_a_phone_consultation_is_logged_with_the_caller_found_by_phone(agent_client, eschool, teacher):
    teacher.phone = "79123456789"
    teacher.save()
    found = agent_client.get(reverse("desk:callers"), {"caller_query": "8 912 345"})
    assert "Иванова Мария Петровна" in found.content.decode()
    response = agent_client.post(reverse("desk:consultations"), {
        "service": eschool.pk, "contact": teacher.pk, "channel": "phone",
        "topic": "Как выставить итоговую оценку", "notes": "Объяснила по шагам", "duration_minutes": 7,
        "outcome": "Вопрос решён разговором"})
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.contact == teacher and consultation.caller_name == teacher.full_name
    listing = agent_client.get(reverse("desk:consultations")).content.decode()
    assert "Как выставить итоговую оценку" in listing and "Оформить официальное обращение" in listing


def test_callers_of_other_services_are_not_offered(outsider_client, teacher):
    found = outsider_client.get(reverse("desk:callers"), {"caller_query": "Иванова"})
    assert "Иванова" not in found.content.decode()


def test_a_consultation_becomes_an_official_request_with_what_is_known(agent_client, eschool, teacher,
                                                                       line1_agent):
    consultation = Consultation.objects.create(service=eschool, agent=line1_agent, contact=teacher,
                                               topic="Не открывается журнал", notes="Ошибка 500")
    form_page = agent_client.get(reverse("desk:convert", args=[consultation.pk]))
    form = form_page.context["form"]
    assert form["f_full_name"].value() == "Иванова Мария Петровна"
    assert form["f_email"].value() == "m.ivanova@school12.example"
    assert form["subject"].value() == "Не открывается журнал"
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"category": "other", "f_region": "Республика Татарстан"})
    response = agent_client.post(reverse("desk:convert", args=[consultation.pk]), data)
    assert response.status_code == 302
    ticket = Ticket.objects.get(consultation=consultation)
    assert ticket.requester == teacher and ticket.channel == "phone"
    assert ticket.status == Status.REGISTERED
    assert ticket.fields["region"] == "Республика Татарстан"
    assert response.url == reverse("desk:ticket", args=[ticket.number])


def test_a_malformed_email_stops_the_conversion_with_the_schemas_message(agent_client, eschool, line1_agent):
    consultation = Consultation.objects.create(service=eschool, agent=line1_agent, caller_name="Петров",
                                               topic="Вопрос")
    response = agent_client.post(reverse("desk:convert", args=[consultation.pk]), {
        "category": "other", "subject": "Вопрос", "description": "Вопрос", "priority": "normal",
        "f_email": "petrov-at-school"})
    assert response.status_code == 200
    assert "name@example.ru" in response.content.decode()
    assert not Ticket.objects.exists()


def test_consultations_of_another_service_cannot_be_converted(outsider_client, eschool, line1_agent):
    consultation = Consultation.objects.create(service=eschool, agent=line1_agent, topic="Вопрос")
    assert outsider_client.get(reverse("desk:convert", args=[consultation.pk])).status_code == 404


def test_a_ticket_number_may_be_typed_in_full_or_short():
    assert number_candidates("INC0000123", {"INC"}) == ["INC0000123"]
    assert number_candidates("inc123", {"INC"}) == ["INC0000123"]
    assert number_candidates(" 123 ", {"INC", "UP"}) == ["INC0000123", "UP0000123"]
    assert number_candidates("оценки", {"INC"}) == []


def test_exact_lookups_find_by_number_email_phone_and_login(ticket, teacher):
    teacher.phone = "78002009582"
    teacher.save()
    scope = Ticket.objects.all()
    assert lookup_tickets(scope, ticket.number) == [ticket]
    assert lookup_tickets(scope, "M.Ivanova@SCHOOL12.example") == [ticket]
    assert lookup_tickets(scope, "8-800-200-9582") == [ticket]
    assert lookup_tickets(scope, teacher.login) == [ticket]
    assert lookup_tickets(Ticket.objects.none(), ticket.number) == []


def test_searching_an_exact_number_opens_the_ticket(agent_client, ticket):
    response = agent_client.get(reverse("desk:search"), {"q": str(int(ticket.number[3:]))})
    assert response.status_code == 302
    assert response.url == reverse("desk:ticket", args=[ticket.number])


def test_search_finds_nothing_in_services_the_agent_does_not_serve(outsider_client, ticket):
    response = outsider_client.get(reverse("desk:search"), {"q": ticket.number})
    assert response.status_code == 200
    assert response.context["results"] == []
