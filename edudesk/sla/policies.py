"""SLA targets per service and priority, with the defaults documented in docs/sla.md."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from edudesk.accounts.models import Service
from edudesk.sla.models import ClockKind, SlaPolicy
from edudesk.tickets.models import Priority

WORKING_DAY_MINUTES = 9 * 60  # 08:00-17:00 under the default hours


@dataclass(frozen=True)
class Targets:
    review: timedelta
    first_answer: timedelta
    solution: timedelta

    def of(self, kind: str) -> timedelta:
        return getattr(self, str(kind))


def _targets(first_answer_minutes: int, solution_minutes: int) -> Targets:
    # The seeds promise a review within 60 minutes for every request.
    return Targets(
        review=timedelta(minutes=60),
        first_answer=timedelta(minutes=first_answer_minutes),
        solution=timedelta(minutes=solution_minutes),
    )


# Working minutes; the seeded default policies (migration 0002) carry the same numbers.
DEFAULT_TARGETS: dict[str, Targets] = {
    Priority.CRITICAL: _targets(60, 4 * 60),
    Priority.HIGH: _targets(2 * 60, WORKING_DAY_MINUTES),
    Priority.NORMAL: _targets(4 * 60, 3 * WORKING_DAY_MINUTES),
    Priority.LOW: _targets(WORKING_DAY_MINUTES, 5 * WORKING_DAY_MINUTES),
}


# Targets per (service id, priority), kept for POLICY_CACHE_SECONDS: every new ticket needs
# them. A saved or deleted policy empties this process's cache at once (sla.apps); other
# processes pick the change up within that time, as with calendars.
POLICY_CACHE_SECONDS = 60
_cache: dict[tuple[int, str], tuple[float, Targets]] = {}


def forget_policies() -> None:
    """Drop every cached target (after a policy changed)."""
    _cache.clear()


def targets_for(service: Service, priority: str) -> Targets:
    """The service's own policy for the priority, else the default policy, else the constants."""
    key = (service.pk, str(priority))
    cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < POLICY_CACHE_SECONDS:
        return cached[1]
    targets = _stored_targets(service, priority)
    _cache[key] = (time.monotonic(), targets)
    return targets


def _stored_targets(service: Service, priority: str) -> Targets:
    rows = SlaPolicy.objects.filter(Q(service=service) | Q(service__isnull=True), priority=priority)
    policies = {policy.service_id: policy for policy in rows}
    policy = policies.get(service.pk) or policies.get(None)
    if policy is None:
        return DEFAULT_TARGETS[Priority(priority)]
    return Targets(
        review=policy.target(ClockKind.REVIEW),
        first_answer=policy.target(ClockKind.FIRST_ANSWER),
        solution=policy.target(ClockKind.SOLUTION),
    )
