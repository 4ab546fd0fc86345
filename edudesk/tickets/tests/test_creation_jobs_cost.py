"""What the after-commit work of new tickets costs the database: the acknowledgment, the search
document and the mass-incident evaluation, for one ticket and for a burst (one job takes the
waiting work of the others along, tickets/outbox.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edudesk.testing import factories
from edudesk.tickets import outbox
from edudesk.tickets.models import PendingEffect

pytestmark = pytest.mark.django_db(transaction=True)  # the work runs after the commit

# One new ticket: claim its outbox entry and read its events with their tickets' services and
# requesters; the acknowledgment (duplicate check, ticket, template, mailbox, thread, hourly cap,
# insert) and its delivery
# (lease, attachments, sent); the search document (read, delete, insert); the mass-incident
# evaluation (policy, service lock, the window, open proposals); the entry deleted.
MAX_QUERIES_ONE = 36  # 37 while each acknowledgment read its requester
# Each more ticket of a burst run by one job: its acknowledgment and delivery; the search
# documents and the mass-incident evaluation are shared.
MAX_QUERIES_MORE = 10  # 11 while each acknowledgment read its requester


@pytest.fixture
def waiting(monkeypatch):
    """The jobs are not run when queued: the test runs the work itself."""
    monkeypatch.setattr(outbox, "_enqueue", lambda ids: None)


def queries_to_finish(service, requester, tickets: int) -> int:
    for n in range(tickets):
        factories.ticket(service, requester, subject=f"Не открывается журнал 5«А» ({n})",
                         description=f"Журнал не открывается, ошибка 502 ({n}).")
    ids = list(PendingEffect.objects.order_by("id").values_list("id", flat=True))
    with CaptureQueriesContext(connection) as captured:
        outbox.dispatch(ids[:1])
    assert not PendingEffect.objects.exists()
    return len(captured.captured_queries)


def test_the_work_of_a_new_ticket_stays_within_its_query_budget(waiting, eschool, teacher):
    assert queries_to_finish(eschool, teacher, 1) <= MAX_QUERIES_ONE


def test_a_burst_of_new_tickets_costs_few_queries_per_ticket(waiting, eschool, teacher):
    # Was 110 for five (18 per more ticket) before the evaluations of a burst were shared.
    assert queries_to_finish(eschool, teacher, 5) <= MAX_QUERIES_ONE + 4 * MAX_QUERIES_MORE
