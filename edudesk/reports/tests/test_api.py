"""/api/v1/reports/…: the same figures as the pages, for supervisors' tokens only."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.types import Actor

MSK = ZoneInfo("Europe/Moscow")


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def march(eschool, teacher, line1_agent):
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=MSK)
    on_time = factories.ticket(eschool, teacher, now=monday)
    services.transition(on_time, "in_processing", actor=Actor.agent(line1_agent),
                        now=monday + timedelta(minutes=20))
    late = factories.ticket(eschool, teacher, now=monday)
    services.transition(late, "in_processing", actor=Actor.agent(line1_agent),
                        now=monday + timedelta(hours=3))


@pytest.mark.django_db
def test_the_period_report_gives_the_review_promise_in_working_minutes(client, supervisor, march):
    response = client.get("/api/v1/reports/period",
                          {"date_from": "2026-03-01", "date_to": "2026-03-31", "grouping": "month"},
                          **_auth(factories.token_for(supervisor)))

    body = response.json()
    assert response.status_code == 200
    review = body["total"]["sla"]["review"]
    assert (review["met"], review["breached"], review["share_met"]) == (1, 1, 0.5)
    assert review["p90_minutes"] == 180
    assert body["total"]["created"] == 2 and body["previous_total"]["created"] == 0
    assert [p["start"] for p in body["periods"]] == ["2026-03-01"]


@pytest.mark.django_db
def test_the_board_lists_each_line(client, supervisor, march):
    body = client.get("/api/v1/reports/board", **_auth(factories.token_for(supervisor))).json()

    assert body["lines"][0]["service"] == "eschool"
    assert body["lines"][0]["open"] == 2


@pytest.mark.django_db
def test_an_agents_token_gets_403(client, line1_agent):
    response = client.get("/api/v1/reports/board", **_auth(factories.token_for(line1_agent)))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.django_db
def test_two_dimension_filters_together_count_only_tickets_with_both(client, supervisor, eschool, teacher):
    from edudesk.tickets.models import Priority

    factories.ticket(eschool, teacher, channel="email", priority=Priority.HIGH)
    factories.ticket(eschool, teacher, channel="email")
    factories.ticket(eschool, teacher, channel="web", priority=Priority.HIGH)
    response = client.get("/api/v1/reports/period", {"channel": "email", "priority": "high"},
                          **_auth(factories.token_for(supervisor)))

    assert response.status_code == 200
    assert response.json()["total"]["created"] == 1


@pytest.mark.django_db
def test_the_reports_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {"/api/v1/reports/board", "/api/v1/reports/period"} <= set(paths)


@pytest.mark.django_db
def test_the_satisfaction_figures_are_typed_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    period = document["paths"]["/api/v1/reports/period"]["get"]["responses"]["200"]

    assert period["content"]["application/json"]["schema"]["$ref"].endswith("/PeriodReportOut")
    assert schemas["PeriodOut"]["properties"]["satisfaction"]["$ref"].endswith("/SatisfactionOut")
    rating = schemas["SatisfactionOut"]["properties"]
    assert rating["ratings"]["type"] == "integer"
    assert {"type": "number", "minimum": 1, "maximum": 5} in rating["average"]["anyOf"]
    assert {"type": "null"} in rating["share_good"]["anyOf"]
    assert set(schemas["SatisfactionOut"]["required"]) == {"ratings", "average", "share_good", "low"}


@pytest.mark.django_db
def test_the_backlog_by_age_is_in_the_api_with_the_report_filters(client, supervisor, line1_agent,
                                                                  march, eschool, teacher):
    from edudesk.tickets.models import Priority

    factories.ticket(eschool, teacher, priority=Priority.HIGH)  # new today, waits for support
    token = factories.token_for(supervisor)
    body = client.get("/api/v1/reports/backlog-age", **_auth(token)).json()

    buckets = body["buckets"]
    assert [(b["min_working_days"], b["max_working_days"]) for b in buckets] == [
        (0, 1), (1, 3), (3, 7), (7, 30), (30, None)]
    assert (buckets[0]["support"], buckets[0]["total"]) == (1, 1)
    assert (buckets[-1]["support"], buckets[-1]["customer"], buckets[-1]["total"]) == (2, 0, 2)
    high = client.get("/api/v1/reports/backlog-age", {"priority": "high"}, **_auth(token)).json()
    assert [b["total"] for b in high["buckets"]] == [1, 0, 0, 0, 0]
    assert client.get("/api/v1/reports/backlog-age",
                      **_auth(factories.token_for(line1_agent))).status_code == 403
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["AgeBucketOut"]["properties"]["support"]["type"] == "integer"
