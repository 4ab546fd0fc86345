"""Several consumers sweeping a backlog at once: no deadlock, each clock announced once.

GIVEN Мария Петровна's colleagues filed a morning of requests of every priority, and nobody
reviewed them for two days (a backlog of breached and at-risk clocks whose due moments
interleave across tickets),
WHEN five Huey consumers run the sweep at the same moment, each on its own connection,
THEN no sweep fails or logs a database error (deadlocks among sweeps are logged as such),
and after the next sweep every late clock is escalated once and every at-risk clock warned
once, with one event and one in-app notice for the line's supervisor each.
"""

import logging
from datetime import timedelta

import pytest
from django.db.models import Count

from edudesk.sla.escalation import sweep
from edudesk.sla.models import ClockState, Notification, SlaClock
from edudesk.sla.tests.conftest import msk
from edudesk.testing.concurrency import run_concurrently
from edudesk.tickets.models import Event, Priority

CONSUMERS = 5
REQUESTS = 120
PRIORITIES = [Priority.CRITICAL, Priority.HIGH, Priority.NORMAL, Priority.LOW]
SWEEP_AT = msk(2026, 11, 25, 14, 0)  # Wednesday afternoon: two working days later


class _Errors(logging.Handler):
    """Collects what the sweeps log as failures, from every thread."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))


@pytest.fixture
def sweep_errors():
    handler = _Errors()
    logger = logging.getLogger("edudesk.sla.escalation")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


def _run_concurrently(count: int) -> list[BaseException]:
    return run_concurrently(lambda: sweep(SWEEP_AT), count)[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_consumers_sweeping_a_backlog_neither_deadlock_nor_notify_twice(
    on_postgres, open_request, line_supervisor, sweep_errors
):
    # GIVEN a request a minute from 09:00 on Monday, priorities in turn
    for n in range(REQUESTS):
        open_request(msk(2026, 11, 23, 9, 0) + timedelta(minutes=n), priority=PRIORITIES[n % 4])
    running = SlaClock.objects.filter(state=ClockState.RUNNING)
    late = set(running.filter(due_at__lte=SWEEP_AT).values_list("pk", flat=True))
    at_risk = set(running.filter(warn_at__lte=SWEEP_AT, due_at__gt=SWEEP_AT).values_list("pk", flat=True))
    assert len(late) > 200 and at_risk  # a backlog of several chunks, both thresholds

    # WHEN five consumers sweep at once, then the next minute's sweep picks up what they skipped
    errors = _run_concurrently(CONSUMERS)
    sweep(SWEEP_AT)

    # THEN nothing failed: no exception, no deadlock logged
    assert errors == []
    assert sweep_errors == []
    # AND each late clock was escalated and each at-risk clock warned, nothing else
    clocks = SlaClock.objects.all()
    assert set(clocks.filter(escalated_at__isnull=False).values_list("pk", flat=True)) == late
    assert set(clocks.filter(warned_at__isnull=False).values_list("pk", flat=True)) == late | at_risk
    # AND exactly one event and one notice per clock and threshold
    events = Event.objects.filter(kind__in=["sla_breached", "sla_warning"])
    per_clock = events.values("ticket_id", "kind", "data__clock").annotate(n=Count("id"))
    assert len(per_clock) == len(late) + len(at_risk)
    assert {row["n"] for row in per_clock} == {1}
    notices = Notification.objects.filter(recipient=line_supervisor)
    breaches = notices.filter(kind=Notification.Kind.SLA_BREACH)
    warnings = notices.filter(kind=Notification.Kind.SLA_WARNING)
    assert set(breaches.values_list("clock_id", flat=True)) == late
    assert set(warnings.values_list("clock_id", flat=True)) == at_risk
    assert notices.count() == len(late) + len(at_risk)
