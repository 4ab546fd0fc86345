"""Cancelling and «Вопрос решён» through the API: a reason (required to cancel) shown to the
customer, and an undo for EDUDESK_UNDO_MINUTES by the same caller — the desk's rule, from the
same domain functions (tickets.services.transition / undo_close, tickets.policy)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from edudesk.testing import factories
from edudesk.tickets import policy, services
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def post(client, token, path: str, body: dict | None = None):
    return client.post(f"/api/v1{path}", body or {}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def agent_token(line1_agent):
    return factories.token_for(line1_agent)


def test_cancelling_without_a_reason_is_refused_and_changes_nothing(client, agent_token, ticket):
    response = post(client, agent_token, f"/tickets/{ticket.number}/transitions", {"to": "cancelled"})
    assert response.status_code == 422
    assert response.json()["code"] == "reason_required"
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED


def test_other_reason_needs_words(client, agent_token, ticket):
    response = post(client, agent_token, f"/tickets/{ticket.number}/transitions",
                    {"to": "cancelled", "reason": "other", "comment": " "})
    assert response.status_code == 409 and response.json()["code"] == "invalid_operation"
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED


def test_a_reason_not_offered_is_refused_by_the_schema(client, agent_token, ticket):
    response = post(client, agent_token, f"/tickets/{ticket.number}/transitions",
                    {"to": "cancelled", "reason": "because"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_the_agents_reason_is_kept_for_the_customer(client, agent_token, ticket):
    response = post(client, agent_token, f"/tickets/{ticket.number}/transitions",
                    {"to": "cancelled", "reason": "customer_asked",
                     "comment": "Позвонила, просила закрыть"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    ticket.refresh_from_db()
    assert (policy.close_reason_text(policy.closing_event(ticket).data)
            == "По просьбе заявителя. Позвонила, просила закрыть")


def test_the_customer_confirms_the_solution_and_undoes_it(client, ticket, teacher, line1_agent):
    services.transition(ticket, Status.ANSWERED, actor=Actor.agent(line1_agent))
    token = factories.token_for(teacher)
    confirmed = post(client, token, f"/tickets/{ticket.number}/transitions",
                     {"to": "resolved", "reason": "answer_helped"})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "resolved"
    undone = post(client, token, f"/tickets/{ticket.number}/transitions/undo")
    assert undone.status_code == 200 and undone.json()["status"] == "answered"


def test_undo_is_refused_after_the_window(client, agent_token, ticket):
    post(client, agent_token, f"/tickets/{ticket.number}/transitions",
         {"to": "cancelled", "reason": "by_mistake"})
    later = timezone.now() + policy.undo_window() + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        response = post(client, agent_token, f"/tickets/{ticket.number}/transitions/undo")
    assert response.status_code == 409 and response.json()["code"] == "invalid_operation"
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED


def test_only_the_one_who_closed_may_undo(client, agent_token, ticket, teacher):
    post(client, agent_token, f"/tickets/{ticket.number}/transitions",
         {"to": "cancelled", "reason": "by_mistake"})
    response = post(client, factories.token_for(teacher), f"/tickets/{ticket.number}/transitions/undo")
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED


def test_the_openapi_document_types_the_reason_and_the_undo(client):
    schema = client.get("/api/v1/openapi.json").json()
    transition = schema["components"]["schemas"]["TransitionIn"]["properties"]
    assert "customer_asked" in transition["reason"]["enum"]
    assert transition["comment"]["maxLength"] == policy.MAX_COMMENT
    undo = schema["paths"]["/api/v1/tickets/{number}/transitions/undo"]["post"]
    assert {"200", "404", "409"} <= undo["responses"].keys()
