"""A search document keeps each thing once: on PostgreSQL the lemmas live in the vector only."""

import pytest
from django.db import connection
from django.utils import timezone

from edudesk.search.models import TicketDocument
from edudesk.search.services import search_tickets

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'postgresql'")]


def vector_of(ticket_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector::text FROM search_ticketdocument WHERE ticket_id = %s",
                       [ticket_id])
        return cursor.fetchone()[0]


def test_the_lemmas_are_kept_in_the_vector_and_not_again_as_text(line1_agent, grades_ticket):
    assert TicketDocument.objects.values_list("subject_lemmas", "body_lemmas").get() == ("", "")
    vector = vector_of(grades_ticket.pk)
    assert "'оценка':" in vector and f"'svc{grades_ticket.service_id}'" in vector
    assert [t.pk for t in search_tickets(line1_agent, "сохранение оценок")] == [grades_ticket.pk]


def test_an_update_without_lemmas_keeps_the_vector(line1_agent, grades_ticket):
    before = vector_of(grades_ticket.pk)
    TicketDocument.objects.filter(pk=grades_ticket.pk).update(indexed_at=timezone.now())
    # What migration 0009 does to documents written before it: empty the text, keep the vector.
    TicketDocument.objects.filter(pk=grades_ticket.pk).update(subject_lemmas="", body_lemmas="")
    assert vector_of(grades_ticket.pk) == before
    assert [t.pk for t in search_tickets(line1_agent, "оценки")] == [grades_ticket.pk]


def test_an_update_with_new_lemmas_rebuilds_the_vector(line1_agent, grades_ticket):
    TicketDocument.objects.filter(pk=grades_ticket.pk).update(body_lemmas="расписание не открываться")
    assert search_tickets(line1_agent, "оценки") == []
    assert [t.pk for t in search_tickets(line1_agent, "расписание")] == [grades_ticket.pk]
    assert TicketDocument.objects.values_list("body_lemmas", flat=True).get() == ""
