"""What the API documentation promises: refused files answer 422, and a POST can be retried safely."""

import base64
import json

import pytest

from edudesk.api.models import IdempotentRequest
from edudesk.intake.tests import files
from edudesk.testing import factories
from edudesk.tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db

REQUEST = {"service": "eschool", "description": "Не открывается электронный журнал 5«А».",
           "requester": {"email": "m.ivanova@school12.example", "full_name": "Иванова Мария Петровна"}}


@pytest.fixture
def agent_token(line1_agent):
    return factories.token_for(line1_agent)


def post(client, url, body, token, **headers):
    return client.post(url, json.dumps(body, ensure_ascii=False), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def attachment(name: str, content: bytes) -> dict:
    return {"name": name, "content_base64": base64.b64encode(content).decode()}


def test_an_agents_ticket_with_a_file_that_is_not_a_screenshot_is_refused_with_422(
        client, agent_token, eschool):
    body = {**REQUEST, "attachments": [attachment("экран.png", files.png()),
                                        attachment("отчёт.docx", files.docx_with_picture())]}

    response = post(client, "/api/v1/tickets", body, agent_token)

    assert response.status_code == 422, response.content
    assert response.json()["details"]["refused_files"][0][0] == "отчёт.docx"
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_an_agents_message_with_a_file_that_is_not_a_screenshot_is_refused_with_422(
        client, agent_token, eschool, teacher):
    ticket = factories.ticket(eschool, teacher)
    body = {"body": "Вот снимок.", "attachments": [attachment("скрины.zip", files.zip_archive())]}

    response = post(client, f"/api/v1/tickets/{ticket.number}/messages", body, agent_token)

    assert response.status_code == 422
    assert ticket.messages.count() == 1 and Attachment.objects.count() == 0


def test_a_retry_with_the_same_idempotency_key_returns_the_first_ticket_and_creates_nothing(
        client, agent_token, eschool):
    first = post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY="req-0001")
    again = post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY="req-0001")

    assert first.status_code == again.status_code == 201
    assert again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_another_key_or_no_key_creates_another_ticket(client, agent_token, eschool):
    post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY="req-0001")
    post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY="req-0002")
    post(client, "/api/v1/tickets", REQUEST, agent_token)
    assert Ticket.objects.count() == 3


def test_the_same_key_from_another_token_is_another_request(client, agent_token, eschool, supervisor):
    post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY="req-0001")
    other = post(client, "/api/v1/tickets", REQUEST, factories.token_for(supervisor),
                 HTTP_IDEMPOTENCY_KEY="req-0001")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Ticket.objects.count() == 2


def test_a_key_reused_for_another_request_is_refused(client, agent_token, eschool):
    post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY="req-0001")
    other = post(client, "/api/v1/tickets", {**REQUEST, "subject": "Другое"}, agent_token,
                 HTTP_IDEMPOTENCY_KEY="req-0001")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_a_refused_request_is_not_remembered(client, agent_token, eschool):
    refused = post(client, "/api/v1/tickets", {**REQUEST, "priority": "urgent"}, agent_token,
                   HTTP_IDEMPOTENCY_KEY="req-0001")
    assert refused.status_code == 422
    assert not IdempotentRequest.objects.exists()


def test_messages_are_not_added_twice(client, agent_token, eschool, teacher):
    ticket = factories.ticket(eschool, teacher)
    for _ in range(2):
        response = post(client, f"/api/v1/tickets/{ticket.number}/messages", {"body": "Смотрим."},
                        agent_token, HTTP_IDEMPOTENCY_KEY="msg-1")
        assert response.status_code == 201
    assert ticket.messages.filter(kind=Message.Kind.PUBLIC).count() == 2  # the first and this one


@pytest.mark.parametrize("key", ["", "с пробелом", "x" * 256])
def test_a_malformed_key_is_refused(client, agent_token, eschool, key):
    response = post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400 and response.json()["code"] == "bad_idempotency_key"
    assert Ticket.objects.count() == 0


def test_old_keys_are_forgotten(client, agent_token, eschool):
    from datetime import timedelta

    from django.utils import timezone

    from edudesk.api.idempotency import forget_old

    post(client, "/api/v1/tickets", REQUEST, agent_token, HTTP_IDEMPOTENCY_KEY="req-0001")
    assert forget_old(timezone.now() + timedelta(hours=25)) == 1
    assert not IdempotentRequest.objects.exists()
