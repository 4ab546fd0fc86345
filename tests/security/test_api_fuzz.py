"""Schemathesis against /api/v1/openapi.json: what the schema allows and what it does not.

For every operation, generated requests (valid and invalid, bounded in number and derandomised
so a run is repeatable) with an agent's token, then with a customer's: no server error, every
response matches its documented schema and content type, every status code is documented.
Runs on SQLite and on PostgreSQL with the rest of the suite.
"""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from edudesk.testing import factories
from edudesk.tickets.models import Consultation

# Per operation and generation mode: 13 operations x 2 modes x 10 = 260 requests per caller.
MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance,
          content_type_conformance]

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db, settings):
    """The schema, served by the WSGI application inside the test's transaction.

    As Django's test client does, the handler must not close the test's connection at the start
    and end of each request.
    """
    settings.EDUDESK_RATE_API_PER_TOKEN = 1_000_000  # the fuzzer is not a flood to be limited
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def world(eschool, teacher, line1_agent):
    """A ticket and a consultation to find; the tokens of an agent and of the customer."""
    factories.ticket(eschool, teacher)
    Consultation.objects.create(service=eschool, agent=line1_agent, topic="Оценки")
    return {"agent": factories.token_for(line1_agent), "customer": factories.token_for(teacher)}


FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), phases=[Phase.generate])


def fuzz(schema, token: str) -> tuple[dict[str, str], Counter]:
    """Every operation, valid and invalid requests: the first failure of each operation, and
    how many requests each got, by status."""
    failures, statuses = {}, Counter()
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @FUZZ
            def run(case):
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                statuses[response.status_code] += 1

            try:
                run()
            except Exception as error:  # every operation is tried; all failures are reported
                failures[f"{operation.label} ({mode.value})"] = str(error)[:2000]
    return failures, statuses


@pytest.mark.parametrize("caller", ["agent", "customer"])
def test_the_api_keeps_its_documented_contract(api_schema, world, caller):
    failures, statuses = fuzz(api_schema, world[caller])
    assert failures == {}
    # The fuzzer reached the operations, and not only their refusals.
    assert sum(statuses.values()) >= 100 and any(200 <= status < 300 for status in statuses), statuses
