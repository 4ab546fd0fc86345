"""The API's answer to a new request carries what the receipt says (seed 1 and seed 2)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from edudesk.testing import factories

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")


def test_a_request_received_out_of_hours_says_when_a_specialist_contacts(client, line1_agent,
                                                                         eschool):
    token = factories.token_for(line1_agent)
    with time_machine.travel(datetime(2026, 11, 28, 14, 0, tzinfo=MSK), tick=False):
        response = client.post("/api/v1/tickets", {
            "service": "eschool", "description": "Не открывается электронный журнал 5«А».",
            "requester": {"email": "m.ivanova@school12.example", "full_name": "Иванова Мария"},
        }, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"number", "created_at", "priority", "due_at"} <= body.keys()
    assert body["specialist_contacts_from"].startswith("2026-11-30T08:00:00+03:00")
    assert "ближайший рабочий день — 30.11.2026 с 08:00" in body["off_hours_notice"]


def test_in_working_hours_the_off_hours_fields_are_empty(client, line1_agent, eschool):
    token = factories.token_for(line1_agent)
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=MSK), tick=False):
        response = client.post("/api/v1/tickets", {
            "service": "eschool", "description": "Не открывается электронный журнал 5«А».",
            "requester": {"email": "m.ivanova@school12.example"},
        }, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = response.json()
    assert body["specialist_contacts_from"] is None and body["off_hours_notice"] == ""
