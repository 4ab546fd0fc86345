from datetime import UTC, datetime, timedelta

import pytest

from edudesk.desk.keyset import Keyset
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _walk(keyset: Keyset, size: int) -> list[int]:
    seen, cursor = [], None
    while True:
        rows, token = keyset.page(Ticket.objects.all(), cursor, size)
        seen += [row.pk for row in rows]
        if not token:
            return seen
        cursor = keyset.decode(token)


@pytest.mark.parametrize("descending", [False, True])
def test_pages_with_unknown_due_dates_list_every_ticket_once_unknown_last(eschool, teacher, descending):
    tickets = [factories.ticket(eschool, teacher) for _ in range(7)]
    dues = [START, None, START + timedelta(hours=1), START, None, START - timedelta(hours=1), START]
    for ticket, due in zip(tickets, dues, strict=True):
        services.record_sla(ticket, due_at=due)
    order = _walk(Keyset("due_at", descending=descending), size=2)
    assert sorted(order) == sorted(t.pk for t in tickets)
    unknown = [t.pk for t, due in zip(tickets, dues, strict=True) if due is None]
    assert order[-2:] == sorted(unknown, reverse=descending)


@pytest.mark.parametrize("token", ["", "not-base64!", "MjAyNi0xMS0yNX4", "fjEyMw"])
def test_a_broken_or_empty_cursor_means_the_first_page(token):
    cursor = Keyset("due_at").decode(token)
    assert cursor is None or cursor.value is None
