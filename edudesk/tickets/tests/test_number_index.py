"""A ticket is looked up by its whole number through one index (storage, issue 16)."""

import pytest
from django.db import connection

from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_number_has_no_pattern_index_and_equality_uses_the_unique_one(ticket):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no pattern index (varchar_pattern_ops) to drop")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket' "
                       "AND indexdef LIKE '%varchar_pattern_ops%'")
        assert cursor.fetchall() == []
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Ticket.objects.filter(number=ticket.number).explain()
    assert "tickets_ticket_number" in plan and "_key" in plan, plan
