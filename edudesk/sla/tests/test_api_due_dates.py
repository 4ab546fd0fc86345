"""The customer learns the due dates at registration: the API answers with them at once."""

from datetime import datetime

import pytest
import time_machine

from edudesk.sla.tests.conftest import msk
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


def test_request_registered_through_the_api_on_friday_evening_answers_with_monday_review(
    client, line1_agent, eschool
):
    token = factories.token_for(line1_agent)
    payload = {
        "service": "eschool",
        "description": "Не открывается электронный журнал 5«А».",
        "requester": {"email": "m.ivanova@school12.example", "full_name": "Иванова Мария Петровна"},
    }

    with time_machine.travel(msk(2026, 11, 27, 16, 30), tick=False):
        response = client.post(
            "/api/v1/tickets", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert datetime.fromisoformat(body["review_due_at"]) == msk(2026, 11, 30, 8, 30)
    # Normal priority: 27 working hours from Friday 16:30 end on Wednesday 16:30.
    assert datetime.fromisoformat(body["due_at"]) == msk(2026, 12, 2, 16, 30)
