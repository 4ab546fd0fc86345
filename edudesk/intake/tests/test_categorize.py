"""The kind of problem of a letter or an API request without one: inferred, shown, corrected,
learned."""

import io

import numpy as np
import pytest

from edudesk.intake import categorize
from edudesk.intake.classifier import CategoryModel, train
from edudesk.intake.models import CategoryExample
from edudesk.intake.pipeline import submit
from edudesk.intake.seed_schemas import uchipro_schema
from edudesk.intake.services import schema_for
from edudesk.intake.submission import OutcomeKind, RequesterData, Submission
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import Status

pytestmark = pytest.mark.django_db

DOCUMENT_LETTER = ("Здравствуйте! Неправильно формируется документ: в удостоверении по заявке 1542 "
                   "не та дата выдачи.")


def mail(service, text, **extra) -> Submission:
    return Submission(service=service, channel="email", requester=RequesterData(
        email="o.petrov@uc.example", full_name="Петров Олег"), description=text,
        register_incomplete=True, **extra)


def suggestion(ticket) -> dict:
    return ticket.events.get(kind="created").data["category_suggestion"]


def test_letter_without_category_is_filed_under_the_inferred_one_and_asked_for_its_data(uchipro):
    outcome = submit(mail(uchipro, DOCUMENT_LETTER))
    ticket = outcome.ticket
    assert ticket.category == "document"
    assert suggestion(ticket)["category"] == "document" and suggestion(ticket)["source"] == "schema"
    assert 0 < suggestion(ticket)["confidence"] <= 1
    # The clarification asks for what a document problem needs, not only the common data.
    assert "Ссылка на документ" in outcome.missing
    assert ticket.status == Status.NEEDS_CLARIFICATION


def test_customer_api_request_without_category_is_registered_and_asked_not_refused(client, uchipro):
    customer = factories.contact(uchipro, full_name="Петров Олег", email="o.petrov@uc.example")
    response = client.post("/api/v1/tickets", {"service": "uchipro", "description": DOCUMENT_LETTER},
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {factories.token_for(customer)}")
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.category == "document" and suggestion(ticket)["category"] == "document"
    assert ticket.status == Status.NEEDS_CLARIFICATION
    asked = ticket.events.get(kind="clarification_requested").data["missing"]
    assert "Ссылка на документ" in asked


def test_a_chosen_category_is_kept_and_nothing_is_suggested(uchipro):
    outcome = submit(mail(uchipro, DOCUMENT_LETTER, category="other"))
    assert outcome.ticket.category == "other"
    assert "category_suggestion" not in outcome.ticket.events.get(kind="created").data


def test_agent_correction_and_confirmation_become_training_examples(uchipro):
    agent = factories.agent(uchipro, username="uc-agent")
    corrected = submit(mail(uchipro, DOCUMENT_LETTER)).ticket
    services.set_category(corrected, "application", actor=factories.as_agent(agent))
    example = CategoryExample.objects.get(ticket=corrected)
    assert (example.category, example.suggested, example.source) == (
        "application", "document", CategoryExample.Source.CORRECTED)
    assert "удостоверении по заявке 1542" in example.text

    confirmed = submit(mail(uchipro, "Не открывается курс «Охрана труда», нужна ссылка на курс")).ticket
    categorize.record_example(confirmed, confirmed.category)
    assert CategoryExample.objects.get(ticket=confirmed).source == CategoryExample.Source.CONFIRMED


def test_a_category_set_on_a_ticket_without_suggestion_teaches_nothing(ticket, line1_agent):
    services.set_category(ticket, "error", actor=factories.as_agent(line1_agent))
    assert not CategoryExample.objects.exists()


def test_retraining_learns_the_service_agents_corrections(uchipro):
    schema = schema_for(uchipro)
    text = "Контрагент пишет: квота слушателей по договору исчерпана, что делать"
    assert categorize.suggest(uchipro, schema, text).source == "schema"
    for wording in ("квота слушателей исчерпана по договору", "исчерпана квота по договору",
                    "договор: квота слушателей закончилась", "закончилась квота слушателей"):
        CategoryExample.objects.create(service=uchipro, text=wording, category="application",
                                       source=CategoryExample.Source.CORRECTED)
    assert categorize.services_due_for_training() == [uchipro]

    row = categorize.train_service(uchipro, schema)
    assert row.examples == 4 and categorize.services_due_for_training() == []
    learned = categorize.suggest(uchipro, schema, text)
    assert (learned.category, learned.source) == ("application", "learned")


def test_stored_model_reads_back_without_pickle_and_predicts_the_same():
    model = train(uchipro_schema(), [("не печатается номер удостоверения", "document"),
                                     ("вопрос теста без вариантов ответа", "test")])
    data = model.to_bytes()
    np.load(io.BytesIO(data), allow_pickle=False)  # no object arrays inside
    again = CategoryModel.from_bytes(data)
    text = "В протоколе неверная дата рождения слушателя"
    assert again.probabilities(text) == pytest.approx(model.probabilities(text))


def test_web_form_requests_still_choose_their_category(eschool):
    assert not categorize.infers_category("web", "")
    assert not categorize.infers_category("widget", "")
    assert categorize.infers_category("email", "") and categorize.infers_category("api", "")
    assert not categorize.infers_category("email", "error")


def test_outcome_of_agent_api_registration_is_not_turned_into_a_clarification(eschool, line1_agent):
    outcome = submit(Submission(
        service=eschool, channel="api", requester=RequesterData(email="m.ivanova@school12.example"),
        description="Ошибка при сохранении оценок, сообщение «Ошибка сохранения».",
        actor=factories.as_agent(line1_agent)))
    assert outcome.kind == OutcomeKind.CREATED
    assert "category_suggestion" in outcome.ticket.events.get(kind="created").data
    assert outcome.ticket.status == Status.REGISTERED
