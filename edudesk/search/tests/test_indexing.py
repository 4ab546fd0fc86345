"""The index follows the tickets through their events, after commit, idempotently."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edudesk.search.indexing import on_ticket_event
from edudesk.search.models import TicketDocument, TicketIdentity
from edudesk.search.services import search_tickets
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event

pytestmark = pytest.mark.django_db


def test_a_ticket_is_not_indexed_before_its_transaction_commits(
        django_capture_on_commit_callbacks, line1_agent, eschool, teacher):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        factories.ticket(eschool, teacher)
    assert search_tickets(line1_agent, "оценки") == []
    for callback in pending:
        callback()
    assert len(search_tickets(line1_agent, "оценки")) == 1


def test_events_that_change_no_text_do_not_touch_the_index(indexed, line1_agent, grades_ticket):
    document = TicketDocument.objects.get(pk=grades_ticket.pk)
    indexed(tickets.set_priority, grades_ticket, "high", actor=factories.as_agent(line1_agent))
    assert TicketDocument.objects.get(pk=grades_ticket.pk).indexed_at == document.indexed_at


def test_a_repeated_event_job_leaves_one_document_and_one_row_per_identity(grades_ticket):
    created = Event.objects.get(ticket=grades_ticket, kind=EventKind.CREATED)
    on_ticket_event(created)
    on_ticket_event(created)
    assert TicketDocument.objects.filter(pk=grades_ticket.pk).count() == 1
    tokens = list(TicketIdentity.objects.filter(ticket=grades_ticket).values_list("token", flat=True))
    assert sorted(tokens) == sorted(set(tokens))
    assert "m.ivanova@school12.example" in tokens


def test_corrected_request_fields_are_searchable(indexed, line1_agent, grades_ticket):
    indexed(tickets.update_fields, grades_ticket, {"affected_login": "sidorov_7a"},
            actor=factories.as_agent(line1_agent))
    assert search_tickets(line1_agent, "sidorov_7a") == [grades_ticket]


def test_searching_costs_the_same_queries_for_one_result_or_many(indexed, line1_agent, eschool, teacher):
    indexed(factories.ticket, eschool, teacher)

    def queries_for(query):
        with CaptureQueriesContext(connection) as captured:
            results = search_tickets(line1_agent, query)
            for ticket in results:
                str(ticket.requester), ticket.status_label(), str(ticket.assignee)
        return len(captured.captured_queries), len(results)

    few = queries_for("оценки")
    for _ in range(4):
        indexed(factories.ticket, eschool, teacher)
    many = queries_for("оценки")
    assert (few[0], few[1], many[1]) == (many[0], 1, 5)


def test_sqlite_full_text_tables_stay_consistent_with_their_documents(
        indexed, line1_agent, eschool, teacher, grades_ticket):
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 tables exist on SQLite only")
    indexed(tickets.add_message, grades_ticket, actor=factories.as_customer(teacher),
            body="Ошибка повторилась сегодня.")
    gone = indexed(factories.ticket, eschool, teacher, subject="Ошибка в журнале")
    gone.delete()
    with connection.cursor() as cursor:
        for table in ("search_ticket_fts", "search_identity_fts"):
            # FTS5 raises "database disk image is malformed" when index and content differ.
            cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    assert search_tickets(line1_agent, "ошибка") == [grades_ticket]
