"""The reindex command rebuilds the index in batches and resumes an interrupted run."""

from io import StringIO

import pytest
from django.core.management import call_command

from edudesk.search.indexing import CHECKPOINT, index_tickets, reindex_all
from edudesk.search.models import ReindexCheckpoint, TicketDocument
from edudesk.search.services import search_tickets
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def unindexed(eschool, teacher):
    """Three tickets created while no job consumer ran: nothing indexed them."""
    made = [factories.ticket(eschool, teacher, subject=f"Не выставляется итоговая оценка {n}")
            for n in range(3)]
    TicketDocument.objects.all().delete()
    return made


def test_reindex_makes_unindexed_tickets_findable(line1_agent, unindexed):
    assert search_tickets(line1_agent, "оценки") == []
    call_command("reindex", batch_size=2, verbosity=0)
    assert len(search_tickets(line1_agent, "итоговые оценки")) == 3


def test_an_interrupted_reindex_resumes_after_the_last_finished_batch(unindexed):
    ReindexCheckpoint.objects.create(name=CHECKPOINT, last_ticket_id=unindexed[1].pk)
    assert reindex_all(batch_size=1) == 1
    assert list(TicketDocument.objects.values_list("ticket_id", flat=True)) == [unindexed[2].pk]


def test_a_finished_reindex_starts_again_from_the_first_ticket(unindexed):
    reindex_all(batch_size=2)
    assert reindex_all(batch_size=2) == 3
    assert ReindexCheckpoint.objects.get(name=CHECKPOINT).finished_at is not None


def test_reporting_progress_counts_every_ticket(unindexed):
    seen = []
    reindex_all(batch_size=2, restart=True, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (2, None), (1, None)]


def test_indexing_twice_leaves_one_identical_document(line1_agent, unindexed):
    first = unindexed[0]
    index_tickets([first.pk])
    before = TicketDocument.objects.values("subject_lemmas", "body_lemmas", "identities").get()
    index_tickets([first.pk, first.pk])
    assert TicketDocument.objects.values("subject_lemmas", "body_lemmas", "identities").get() == before
    assert [t.pk for t in search_tickets(line1_agent, "оценка")] == [first.pk]


def test_ids_of_tickets_that_do_not_exist_are_skipped(unindexed):
    assert index_tickets([unindexed[0].pk, 10**9]) == 1
    assert TicketDocument.objects.count() == 1


def test_the_command_says_where_it_resumes_and_how_many_it_indexed(unindexed):
    ReindexCheckpoint.objects.create(name=CHECKPOINT, last_ticket_id=unindexed[0].pk)
    out = StringIO()
    call_command("reindex", stdout=out, stderr=StringIO())
    assert f"Resuming after ticket id {unindexed[0].pk}." in out.getvalue()
    assert "Indexed 2 tickets." in out.getvalue()
