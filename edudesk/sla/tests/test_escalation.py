"""The escalation sweep: 80% warns, 100% escalates, each once, to the line's supervisor."""


import pytest
from django.db import connection

from edudesk.sla.escalation import sweep
from edudesk.sla.models import ClockKind, ClockState, Notification, SlaClock
from edudesk.sla.tests.conftest import msk
from edudesk.testing.concurrency import run_concurrently
from edudesk.tickets import services
from edudesk.tickets.models import SlaFlag
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db


def test_review_at_80_percent_warns_the_supervisor_once(open_request, line_supervisor):
    # GIVEN a request registered at 09:00 (review due 10:00, 80% at 09:48)
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    # WHEN the sweep runs at 09:47 nothing happens; at 09:48 the review clock warns
    assert sweep(msk(2026, 11, 23, 9, 47)).warned == 0
    assert sweep(msk(2026, 11, 23, 9, 48)).warned == 1

    # THEN the supervisor has one in-app notice, the ticket is at risk, an event is written
    notice = Notification.objects.get(recipient=line_supervisor)
    assert notice.kind == Notification.Kind.SLA_WARNING
    assert ticket.number in notice.text and "23.11.2026 10:00" in notice.text
    ticket.refresh_from_db()
    assert ticket.sla_flag == SlaFlag.AT_RISK
    assert ticket.events.filter(kind="sla_warning", data__clock="review").count() == 1


def test_a_second_sweep_does_not_notify_again(open_request, line_supervisor):
    ticket = open_request(msk(2026, 11, 23, 9, 0))
    sweep(msk(2026, 11, 23, 9, 50))

    assert sweep(msk(2026, 11, 23, 9, 55)).warned == 0
    assert Notification.objects.filter(recipient=line_supervisor).count() == 1
    assert ticket.events.filter(kind="sla_warning").count() == 1


def test_review_past_due_escalates_and_flags_the_ticket_breached(open_request, line_supervisor):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    result = sweep(msk(2026, 11, 23, 10, 0))

    assert result.escalated == 1
    review = SlaClock.objects.get(ticket=ticket, kind=ClockKind.REVIEW)
    assert review.breached and review.state == ClockState.RUNNING
    ticket.refresh_from_db()
    assert ticket.sla_flag == SlaFlag.BREACHED
    kinds = set(Notification.objects.filter(recipient=line_supervisor).values_list("kind", flat=True))
    assert kinds == {Notification.Kind.SLA_BREACH}  # past due: no separate 80% notice
    assert sweep(msk(2026, 11, 23, 10, 5)).escalated == 0


def test_the_sweep_counts_working_time_only(open_request, line_supervisor):
    # Received Friday 16:30: the review is due Monday 08:30, so nothing is late over the weekend.
    open_request(msk(2026, 11, 27, 16, 30))

    assert sweep(msk(2026, 11, 29, 23, 0)) == sweep(msk(2026, 11, 30, 8, 0))
    assert sweep(msk(2026, 11, 30, 8, 0)).escalated == 0
    assert sweep(msk(2026, 11, 30, 8, 30)).escalated == 1


def test_a_paused_clock_is_never_escalated(open_request, line1_agent, line_supervisor):
    ticket = open_request(msk(2026, 11, 23, 9, 0))
    services.request_clarification(
        ticket, actor=Actor.agent(line1_agent), body="Укажите логин.", now=msk(2026, 11, 23, 9, 10)
    )

    sweep(msk(2026, 12, 10, 12, 0))

    solution = SlaClock.objects.get(ticket=ticket, kind=ClockKind.SOLUTION)
    assert solution.state == ClockState.PAUSED and solution.escalated_at is None


def test_without_a_supervisor_the_event_is_still_written(open_request):
    ticket = open_request(msk(2026, 11, 23, 9, 0))

    sweep(msk(2026, 11, 23, 10, 0))

    assert ticket.events.filter(kind="sla_breached").count() == 1
    assert not Notification.objects.exists()


def test_the_sweep_does_a_bounded_batch(open_request):
    for _ in range(3):
        open_request(msk(2026, 11, 23, 9, 0))

    assert sweep(msk(2026, 11, 23, 10, 0), batch=2).escalated == 2
    assert sweep(msk(2026, 11, 23, 10, 0), batch=2).escalated == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_consumers_sweeping_at_once_notify_once(open_request, line_supervisor):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent consumers need PostgreSQL row locks")
    tickets = [open_request(msk(2026, 11, 23, 9, 0)) for _ in range(20)]
    _results, errors = run_concurrently(lambda: sweep(msk(2026, 11, 23, 10, 0)), 2)

    assert errors == []
    # 20 tickets x 3 clocks are past due (review) or not: only review clocks are due at 10:00.
    assert Notification.objects.filter(recipient=line_supervisor).count() == len(tickets)
    assert sum(t.events.filter(kind="sla_breached").count() for t in tickets) == len(tickets)


def test_the_periodic_jobs_run_the_sweep_and_the_auto_close(open_request, line_supervisor):
    from edudesk.sla import tasks

    open_request(msk(2026, 11, 23, 9, 0))

    tasks.sla_sweep.call_local(now=msk(2026, 11, 23, 10, 0))
    tasks.sla_auto_close.call_local(now=msk(2026, 11, 23, 10, 0))

    assert Notification.objects.filter(recipient=line_supervisor).count() == 1


def test_supervisor_reads_the_notice_and_only_their_own(open_request, line_supervisor, line1_agent):
    from edudesk.sla.notices import mark_read, unread_notifications

    open_request(msk(2026, 11, 23, 9, 0))
    sweep(msk(2026, 11, 23, 10, 0))
    [notice] = unread_notifications(line_supervisor)

    assert mark_read(line1_agent, [notice.pk], msk(2026, 11, 23, 10, 5)) == 0
    assert mark_read(line_supervisor, [notice.pk], msk(2026, 11, 23, 10, 5)) == 1
    assert unread_notifications(line_supervisor) == []
