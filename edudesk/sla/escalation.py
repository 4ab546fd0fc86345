"""The escalation sweep: clocks at 80% of their target warn, clocks at 100% escalate.

Each sweep reads at most `batch` clocks per threshold through partial indexes on
`warn_at` / `due_at`, so its work does not grow with the number of open tickets. A clock
is claimed by a conditional UPDATE (`... WHERE warned_at IS NULL`) in the same
transaction as its event, flag and notification: two sweeps or two consumers racing for
the same clock notify once, and a failure rolls the claim back for the next sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from edudesk.sla.clocks import SLA_BREACHED, SLA_WARNING, clock_data, sync_ticket
from edudesk.sla.models import ClockState, Notification, SlaClock
from edudesk.tickets.events import record
from edudesk.tickets.types import Actor

DEFAULT_BATCH = 500


@dataclass(frozen=True)
class SweepResult:
    warned: int
    escalated: int


def sweep(now: datetime, batch: int = DEFAULT_BATCH) -> SweepResult:
    escalated = _escalate_due(now, batch)
    warned = _warn_at_risk(now, batch)
    return SweepResult(warned=warned, escalated=escalated)


def _warn_at_risk(now: datetime, batch: int) -> int:
    candidates = list(
        SlaClock.objects.filter(state=ClockState.RUNNING, warned_at__isnull=True, warn_at__lte=now)
        .order_by("warn_at")
        .values_list("pk", flat=True)[:batch]
    )
    done = 0
    for clock_id in candidates:
        with transaction.atomic():
            claimed = SlaClock.objects.filter(
                pk=clock_id, state=ClockState.RUNNING, warned_at__isnull=True
            ).update(warned_at=now)
            if claimed:
                _announce(clock_id, SLA_WARNING, Notification.Kind.SLA_WARNING, now)
                done += 1
    return done


def _escalate_due(now: datetime, batch: int) -> int:
    candidates = list(
        SlaClock.objects.filter(state=ClockState.RUNNING, escalated_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:batch]
    )
    done = 0
    for clock_id in candidates:
        with transaction.atomic():
            # A clock past due skips its 80% warning: the escalation says more.
            claimed = SlaClock.objects.filter(
                pk=clock_id, state=ClockState.RUNNING, escalated_at__isnull=True
            ).update(escalated_at=now, breached=True, warned_at=Coalesce("warned_at", now))
            if claimed:
                _announce(clock_id, SLA_BREACHED, Notification.Kind.SLA_BREACH, now)
                done += 1
    return done


def _announce(clock_id: int, event_kind: str, notice_kind: str, now: datetime) -> None:
    clock = SlaClock.objects.select_related("ticket__service", "ticket__group__supervisor").get(pk=clock_id)
    ticket = clock.ticket
    record(ticket, event_kind, Actor.system(), data=clock_data(clock), now=now)
    sync_ticket(ticket, now)
    supervisor = ticket.group.supervisor if ticket.group_id else None
    if supervisor is not None:
        Notification.objects.get_or_create(
            recipient=supervisor,
            clock=clock,
            kind=notice_kind,
            defaults={"ticket": ticket, "text": notice_text(clock, notice_kind), "created_at": now},
        )


def notice_text(clock: SlaClock, kind: str) -> str:
    due = local_text(clock.due_at, clock.ticket.service.time_zone)
    params = {"number": clock.ticket.number, "clock": clock.get_kind_display(), "due": due}
    if kind == Notification.Kind.SLA_WARNING:
        return _("Обращение %(number)s: прошло 80%% срока «%(clock)s», срок — %(due)s.") % params
    return _("Обращение %(number)s: срок «%(clock)s» нарушен, срок был %(due)s.") % params


def local_text(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")
