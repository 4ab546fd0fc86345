"""The escalation sweep: clocks at 80% of their target warn, clocks at 100% escalate.

Each sweep reads at most `batch` clocks per threshold through partial indexes on
`warn_at` / `due_at`, so its work does not grow with the number of open tickets. A clock
is claimed by a conditional UPDATE (`... WHERE warned_at IS NULL`) in the same short
transaction as its event, flag and notification, after its ticket is locked without
waiting (SKIP LOCKED): two sweeps or two consumers racing for the same clock notify once,
never deadlock, and a busy ticket or a failure leaves the clock for the next sweep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from edudesk.sla.clocks import clock_data, sync_ticket
from edudesk.sla.models import ClockState, Notification, SlaClock
from edudesk.tickets.events import EventKind, record
from edudesk.tickets.models import Ticket
from edudesk.tickets.types import Actor

DEFAULT_BATCH = 500

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    warned: int
    escalated: int


def sweep(now: datetime, batch: int = DEFAULT_BATCH) -> SweepResult:
    # Past due first: such a clock escalates without a separate 80% notice.
    escalated = _claim_and_announce(
        Q(escalated_at__isnull=True, due_at__lte=now),
        "due_at",
        {"escalated_at": now, "breached": True, "warned_at": Coalesce("warned_at", now)},
        EventKind.SLA_BREACHED,
        Notification.Kind.SLA_BREACH,
        now,
        batch,
    )
    warned = _claim_and_announce(
        Q(warned_at__isnull=True, warn_at__lte=now),
        "warn_at",
        {"warned_at": now},
        EventKind.SLA_WARNING,
        Notification.Kind.SLA_WARNING,
        now,
        batch,
    )
    return SweepResult(warned=warned, escalated=escalated)


def _claim_and_announce(
    unclaimed: Q, order: str, claim: dict, event_kind: str, notice_kind: str, now: datetime, batch: int
) -> int:
    """Claim up to `batch` running clocks matching `unclaimed`; announce each one claimed.

    Each clock is claimed in a short transaction of its own that locks one ticket only, and
    never waits for it: a ticket locked by an agent's change or by another sweep is skipped,
    and its clock stays unclaimed for the next sweep. Holding at most one ticket lock and
    never waiting for another, concurrent sweeps cannot deadlock, and they spread over the
    backlog instead of queueing behind each other. A clock whose announcement fails is rolled
    back alone and also stays for the next sweep.
    """
    still_unclaimed = Q(state=ClockState.RUNNING) & unclaimed
    candidates = list(
        SlaClock.objects.filter(still_unclaimed).order_by(order).values_list("pk", "ticket_id")[:batch]
    )
    done = busy = 0
    for clock_id, ticket_id in candidates:
        try:
            with transaction.atomic():
                if not _lock_ticket_unless_busy(ticket_id):
                    busy += 1
                    continue
                # The conditional UPDATE is the claim: of two sweeps, one gets the row.
                if SlaClock.objects.filter(still_unclaimed, pk=clock_id).update(**claim):
                    _announce(clock_id, event_kind, notice_kind, now)
                    done += 1
        except DatabaseError:
            log.exception("SLA %s for clock %s failed; left for the next sweep", event_kind, clock_id)
    if busy:
        log.info("SLA %s: %s clocks of busy tickets left for the next sweep", event_kind, busy)
    return done


def _lock_ticket_unless_busy(ticket_id: int) -> bool:
    """Lock the ticket before its clock (the order ticket changes lock them in); False if busy.

    SKIP LOCKED returns no row when another transaction holds the ticket, instead of waiting.
    """
    locked = Ticket.objects.select_for_update(skip_locked=True).filter(pk=ticket_id).values_list("pk")
    return locked.first() is not None


def _announce(clock_id: int, event_kind: str, notice_kind: str, now: datetime) -> None:
    clock = SlaClock.objects.select_related("ticket__service", "ticket__group__supervisor").get(pk=clock_id)
    ticket = clock.ticket
    record(ticket, event_kind, Actor.system(), data=clock_data(clock), now=now)
    sync_ticket(ticket, now)
    supervisor = ticket.group.supervisor if ticket.group_id else None
    if supervisor is not None:
        # The claim makes this the only announcement of this clock and threshold; the unique
        # constraint on (recipient, clock, kind) stands guard behind it.
        Notification.objects.create(
            recipient=supervisor,
            clock=clock,
            kind=notice_kind,
            ticket=ticket,
            text=notice_text(clock, notice_kind),
            created_at=now,
        )


def notice_text(clock: SlaClock, kind: str) -> str:
    due = local_text(clock.due_at, clock.ticket.service.time_zone)
    params = {"number": clock.ticket.number, "clock": clock.get_kind_display(), "due": due}
    if kind == Notification.Kind.SLA_WARNING:
        return _("Обращение %(number)s: прошло 80%% срока «%(clock)s», срок — %(due)s.") % params
    return _("Обращение %(number)s: срок «%(clock)s» нарушен, срок был %(due)s.") % params


def local_text(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")
