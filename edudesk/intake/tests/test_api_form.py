"""The API shares the form schema and its validation with the web form."""

import pytest

from edudesk.testing import factories
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_publishes_the_services_form_schema(client, eschool, teacher):
    token = factories.token_for(teacher)
    response = client.get("/api/v1/services/eschool/form", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert [c["key"] for c in body["categories"]] == ["error", "suggestion", "other"]
    assert body["common"][0]["label"] == {"ru": "Регион", "en": "Region"}


def test_form_of_another_service_is_not_found(client, eschool, uchipro, teacher):
    token = factories.token_for(teacher)
    assert client.get("/api/v1/services/uchipro/form", **bearer(token)).status_code == 404


def test_customer_api_request_missing_form_data_is_refused_field_by_field(client, eschool, teacher):
    token = factories.token_for(teacher)
    response = client.post("/api/v1/tickets", {
        "service": "eschool", "category": "error", "description": "Не сохраняются оценки.",
        "fields": {"region": "Республика Татарстан"},
    }, content_type="application/json", **bearer(token))
    assert response.status_code == 422
    fields = str(response.json())
    assert "Наименование и версия браузера" in fields and "screenshots" in fields
    assert Ticket.objects.count() == 0
