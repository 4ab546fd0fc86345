"""The outbox: after-commit work is written with the change and done even when a process dies."""

from datetime import timedelta

import pytest
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone

from edudesk.mail.models import OutboundMail
from edudesk.search.models import TicketDocument
from edudesk.testing import factories
from edudesk.tickets import events, outbox
from edudesk.tickets.models import PendingEffect, Ticket
from edudesk.tickets.services import set_priority
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lost_jobs(monkeypatch):
    """Every after-commit job is lost, as when the web process dies right after the commit."""
    lost = []
    monkeypatch.setattr(outbox, "_enqueue", lost.append)
    return lost


@pytest.fixture
def jobs(monkeypatch):
    """Records the jobs queued after each commit and runs them."""
    queued = []

    def enqueue(ids):
        queued.append(list(ids))
        outbox.dispatch(ids)

    monkeypatch.setattr(outbox, "_enqueue", enqueue)
    return queued


@pytest.fixture
def failing_handler():
    """A subscriber to ticket creation that fails until told otherwise."""
    state = {"fail": True, "runs": 0}

    def flaky(event):
        state["runs"] += 1
        if state["fail"]:
            raise ConnectionError("search server down")

    flaky.__qualname__ = "flaky_subscriber"
    events.subscribe(flaky, kinds=[events.EventKind.CREATED])
    yield state
    name = events.handler_name(flaky)
    events._after_commit.pop(name)
    events._after_commit_kinds.pop(name)


def acknowledgements(ticket: Ticket) -> int:
    return OutboundMail.objects.filter(ticket=ticket, template="registered").count()


def test_the_work_a_change_owes_is_written_in_its_transaction(eschool, teacher, lost_jobs):
    ticket = factories.ticket(eschool, teacher)

    entry = PendingEffect.objects.get(event__ticket=ticket, event__kind="created")
    assert "edudesk.mail.notifications.notify_customer" in entry.handlers
    assert "edudesk.search.indexing.on_ticket_event" in entry.handlers


def test_a_rolled_back_change_owes_nothing(eschool, teacher, lost_jobs):
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.ticket(eschool, teacher)
        raise RuntimeError("the request failed after the ticket was written")

    assert not PendingEffect.objects.exists()
    assert lost_jobs == []


def test_one_job_per_transaction_whatever_the_number_of_events(eschool, teacher, line1_agent, jobs):
    with transaction.atomic():
        ticket = factories.ticket(eschool, teacher)
        set_priority(ticket, "high", actor=Actor.agent(line1_agent))
        written = PendingEffect.objects.filter(event__ticket=ticket).count()

    assert written >= 2
    assert len(jobs) == 1 and len(jobs[0]) == written
    assert not PendingEffect.objects.exists(), "every handler ran and crossed itself off"


def test_work_lost_between_commit_and_enqueue_is_done_by_the_sweep(eschool, teacher, monkeypatch):
    """The web process died after the commit: the acknowledgment and the search entry still come."""
    lost = []
    monkeypatch.setattr(outbox, "_enqueue", lost.append)
    ticket = factories.ticket(eschool, teacher)
    assert lost and acknowledgements(ticket) == 0
    assert not TicketDocument.objects.filter(pk=ticket.pk).exists()
    monkeypatch.undo()

    assert outbox.sweep(timezone.now()) == 0, "the fresh entry is left to its own job first"
    later = timezone.now() + timedelta(seconds=outbox.grace_seconds() + 1)
    assert outbox.sweep(later) >= 1

    assert acknowledgements(ticket) == 1
    assert TicketDocument.objects.filter(pk=ticket.pk).exists()
    assert not PendingEffect.objects.exists()


def test_work_held_by_a_killed_consumer_is_taken_over_when_its_lease_ends(eschool, teacher, lost_jobs):
    ticket = factories.ticket(eschool, teacher)
    entry = PendingEffect.objects.get(event__ticket=ticket, event__kind="created")
    now = timezone.now()
    # A consumer claimed the entry and was killed before it finished.
    assert outbox._claim(entry.pk, now) is not None

    assert outbox.dispatch([entry.pk], now + timedelta(seconds=10)) == 0, "the lease still holds"
    assert acknowledgements(ticket) == 0

    after_lease = now + timedelta(seconds=outbox.lease_seconds() + 1)
    PendingEffect.objects.update(run_after=after_lease)
    assert entry.pk in outbox.due_ids(after_lease)
    outbox.dispatch([entry.pk], after_lease)
    assert acknowledgements(ticket) == 1
    assert not PendingEffect.objects.filter(pk=entry.pk).exists()


def test_a_handler_run_twice_sends_one_acknowledgment(eschool, teacher, lost_jobs):
    ticket = factories.ticket(eschool, teacher)
    entry = PendingEffect.objects.get(event__ticket=ticket, event__kind="created")
    handlers = list(entry.handlers)
    outbox.dispatch([entry.pk])
    again = PendingEffect.objects.create(event_id=entry.event_id, handlers=handlers)
    outbox.dispatch([again.pk])

    assert acknowledgements(ticket) == 1
    assert TicketDocument.objects.filter(pk=ticket.pk).count() == 1


def test_a_failing_handler_is_retried_with_back_off_and_the_others_are_not_repeated(
    eschool, teacher, failing_handler, jobs
):
    ticket = factories.ticket(eschool, teacher)

    entry = PendingEffect.objects.get(event__ticket=ticket, event__kind="created")
    assert entry.handlers == ["edudesk.tickets.tests.test_outbox.flaky_subscriber"]
    assert entry.attempts == 1 and "search server down" in entry.last_error
    assert entry.run_after > timezone.now() and entry.lease_until is None
    assert acknowledgements(ticket) == 1, "the handlers that succeeded are crossed off"

    failing_handler["fail"] = False
    outbox.sweep(entry.run_after)
    assert failing_handler["runs"] == 2
    assert not PendingEffect.objects.exists()
    assert acknowledgements(ticket) == 1


def test_after_too_many_failures_the_work_waits_for_an_administrator(eschool, teacher, failing_handler,
                                                                      jobs):
    ticket = factories.ticket(eschool, teacher)
    entry = PendingEffect.objects.get(event__ticket=ticket, event__kind="created")
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        outbox.sweep(PendingEffect.objects.get(pk=entry.pk).run_after)
    entry.refresh_from_db()
    assert entry.failed and entry.attempts == outbox.MAX_ATTEMPTS
    assert outbox.sweep(timezone.now() + timedelta(days=1)) == 0

    failing_handler["fail"] = False
    assert outbox.retry_failed([entry.pk]) == 1
    assert not PendingEffect.objects.exists()


_calls: list[str] = []


@outbox.durable
def _remember_organisation(name: str, fail: bool) -> None:
    """A deferred job for the tests: writes a row, then fails when told to."""
    from edudesk.accounts.models import Organisation, Service

    Organisation.objects.create(service=Service.objects.get(code="eschool"), name=name)
    _calls.append(name)
    if fail:
        raise RuntimeError("the mail server is down")


def test_a_deferred_job_runs_after_the_commit_and_once_its_work_is_committed(eschool, jobs):
    from edudesk.accounts.models import Organisation

    _calls.clear()
    with transaction.atomic():
        outbox.defer(_remember_organisation, name="Гимназия № 1", fail=False)
        assert _calls == []  # nothing before the commit
    assert _calls == ["Гимназия № 1"] and len(jobs) == 1
    assert Organisation.objects.filter(name="Гимназия № 1").count() == 1
    assert not PendingEffect.objects.exists()
    assert outbox.sweep(timezone.now() + timedelta(days=1)) == 0


def test_a_failing_deferred_job_is_undone_whole_and_retried_by_the_sweep(eschool, lost_jobs):
    from edudesk.accounts.models import Organisation

    with transaction.atomic():
        outbox.defer(_remember_organisation, name="Лицей № 2", fail=True)
    [entry] = PendingEffect.objects.all()
    assert entry.event_id is None and outbox.dispatch([entry.pk]) == 0
    entry.refresh_from_db()
    assert "the mail server is down" in entry.last_error and entry.attempts == 1
    assert not Organisation.objects.filter(name="Лицей № 2").exists(), "its writes rolled back"


def test_only_registered_functions_may_be_deferred(eschool):
    with pytest.raises(LookupError):
        outbox.defer(print, value=1)


class CountingSmtp(locmem.EmailBackend):
    """The test mail backend, opening and closing like the SMTP one, counting the openings."""

    opened = 0

    def open(self):
        if getattr(self, "_open", False):
            return False
        CountingSmtp.opened += 1
        self._open = True
        return True

    def close(self):
        self._open = False

    def send_messages(self, messages):
        new = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if new:
                self.close()


def test_one_job_does_the_waiting_work_of_many_transactions_together(eschool, teacher, lost_jobs,
                                                                       settings, monkeypatch):
    """A burst of creations: the first job takes the others' entries along, indexes the tickets
    in one go and sends the acknowledgments over one SMTP connection."""
    from django.core import mail

    from edudesk.search import indexing

    settings.EMAIL_BACKEND = f"{__name__}.CountingSmtp"
    CountingSmtp.opened = 0
    tickets = [factories.ticket(eschool, teacher) for _ in range(3)]
    ids = list(PendingEffect.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) == 3 and len(lost_jobs) == 3, "one entry and one job per transaction"
    indexed = []
    monkeypatch.setattr(indexing, "index_tickets", lambda ticket_ids: indexed.append(sorted(ticket_ids)))

    assert outbox.dispatch(ids[:1]) == 3
    assert [outbox.dispatch([entry_id]) for entry_id in ids[1:]] == [0, 0], "nothing left for them"

    assert indexed == [sorted(t.pk for t in tickets)], "one reindex for the three tickets"
    assert [acknowledgements(t) for t in tickets] == [1, 1, 1]
    assert OutboundMail.objects.filter(state=OutboundMail.State.SENT).count() == 3
    assert len(mail.outbox) == 3 and CountingSmtp.opened == 1
    assert not PendingEffect.objects.exists()


def test_in_a_batch_only_the_event_whose_handler_fails_is_retried(eschool, teacher, lost_jobs):
    tickets = [factories.ticket(eschool, teacher) for _ in range(3)]
    bad = tickets[1].pk
    runs = []

    def picky(event):
        runs.append(event.ticket_id)
        if event.ticket_id == bad:
            raise ConnectionError("webhook endpoint down")

    def picky_batch(batch):
        raise ConnectionError("webhook endpoint down")

    picky.__qualname__ = "picky_subscriber"
    events.subscribe(picky, kinds=[events.EventKind.CREATED], batch=picky_batch)
    try:
        PendingEffect.objects.update(handlers=["edudesk.tickets.tests.test_outbox.picky_subscriber"])
        ids = list(PendingEffect.objects.values_list("id", flat=True))
        assert outbox.dispatch(ids) == 2
    finally:
        name = events.handler_name(picky)
        events._after_commit.pop(name)
        events._after_commit_kinds.pop(name)
        events._after_commit_batch.pop(name)

    assert sorted(runs) == sorted(t.pk for t in tickets), "each event on its own after the batch failed"
    [left] = PendingEffect.objects.all()
    assert left.event.ticket_id == bad and left.attempts == 1 and left.lease_until is None
    assert "webhook endpoint down" in left.last_error and "picky_subscriber" in left.last_error
