"""What one API creation costs the database, and that skipping re-reads loses nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edudesk.accounts.models import Contact, email_is
from edudesk.testing import factories
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

# Token, service and access; intake's transaction (a savepoint here, BEGIN/COMMIT in
# production); the requester, looked up once by address (validation and registration share
# the lookup: edudesk/intake/requester.py); the ticket's own savepoint; default
# line, number, organisation, ticket (with its due dates: sla.clocks.prepare), message,
# «created» event; the three SLA clocks and their events (two inserts); the sign-in lockout's
# check of the address and the token's rate-limit counter (edudesk/security/); the reports'
# facts of the creation (one insert, edudesk/reports/facts.py); the outbox row that makes the
# acknowledgment and the search entry durable (tickets/outbox.py); the service's active mass
# incidents, which a new request may belong to (edudesk/incidents/intake.py). Was 38 (36 plus
# BEGIN/COMMIT), then 28; the requester's and organisation's lookups no longer open savepoints
# of their own (24); the due dates go into the ticket's INSERT instead of an UPDATE and its
# event, and the requester is looked up once (21).
MAX_CREATION_QUERIES = 21


def create(client, token, description):
    payload = {"service": "eschool", "description": description,
               "requester": {"email": "m.ivanova@school12.example", "full_name": "Иванова Мария Петровна"}}
    return client.post("/api/v1/tickets", payload, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def agent_token(line1_agent):
    return factories.token_for(line1_agent)


def test_registering_a_caller_request_through_the_api_stays_within_its_query_budget(
        client, agent_token, teacher):
    create(client, agent_token, "Не открывается электронный журнал 5«А».")  # warms per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = create(client, agent_token, "Не выставляются оценки за контрольную в 7«Б».")
    assert response.status_code == 201, response.json()
    assert len(queries) <= MAX_CREATION_QUERIES, "\n".join(q["sql"][:120] for q in queries)


def test_the_creation_response_shows_the_ticket_as_stored(client, agent_token, teacher):
    response = create(client, agent_token, "Не открывается электронный журнал 5«А».")
    assert response.status_code == 201
    stored = Ticket.objects.get(number=response.json()["number"])
    again = client.get(f"/api/v1/tickets/{stored.number}", HTTP_AUTHORIZATION=f"Bearer {agent_token}").json()
    body = response.json()
    for volatile in ("remaining_minutes",):  # counted from the moment of each request
        body.pop(volatile), again.pop(volatile)
    assert body == again
    assert body["due_at"] is not None and body["organisation"] == str(teacher.organisation)


def test_a_requester_named_in_another_case_is_the_same_known_contact(client, agent_token, teacher):
    response = client.post("/api/v1/tickets", {
        "service": "eschool", "description": "Не открывается электронный журнал 5«А».",
        "requester": {"email": teacher.email.upper(), "full_name": "Иванова М. П."}},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {agent_token}")
    assert response.status_code == 201
    assert Ticket.objects.get(number=response.json()["number"]).requester_id == teacher.pk


def test_the_requester_is_found_by_address_through_an_index_not_a_scan(teacher):
    """``email__iexact`` is LIKE on SQLite, which reads every contact of the service."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's plan depends on the table's size; its UPPER index served iexact")
    plan = (Contact.objects.filter(email_is(teacher.email.upper()), service=teacher.service)
            .order_by("id").explain())
    assert "contact_service_email_ci" in plan, plan
