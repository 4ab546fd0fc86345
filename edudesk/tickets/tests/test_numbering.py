"""Ticket numbers come from the database: unique under concurrent creation."""


import pytest
from django.db import connection

from edudesk.testing import factories
from edudesk.testing.concurrency import run_concurrently
from edudesk.tickets.models import Ticket
from edudesk.tickets.numbering import format_number


def test_numbers_have_seven_digits():
    assert format_number("INC", 123) == "INC0000123"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_connections_never_share_a_number(on_postgres):
    svc = factories.service("eschool")
    requester = factories.contact(svc)

    def create_many():
        for _ in range(10):
            factories.ticket(svc, requester)

    _results, errors = run_concurrently(create_many, 16)
    assert errors == []
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == 160 == len(set(numbers))
    assert connection.vendor == "postgresql"
