"""The backlog by age: open tickets now, by how long they have been open (in working days of
their service's calendar) and by whom they wait for.

Ages are working time since creation, counted in the service's standard working days (its
usual day's hours): a request that came in on Friday at 16:50 is ten working minutes old at
Monday 08:00. For each service the age boundaries become instants (`thresholds`: the moment
exactly N working days before now), so one grouped count over the open tickets (the index on
service and status) gives the whole table: no ticket is read into Python.

That pass still reads every open ticket of the slice (140,000 at a million tickets), so the
report page keeps the table per slice for a minute (`recent`): the key holds the minute, so a
change shows at the latest a minute later, and the page says when the table was counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service
from edudesk.reports.figures import Scope
from edudesk.sla.calendar import BusinessCalendar
from edudesk.sla.calendars import calendar_for
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import CUSTOMER_MUST_ACT, OPEN_STATUSES, WITH_SUPPORT

# Bucket boundaries in working days: <1, 1–3, 3–7, 7–30, 30 and more.
BOUNDARIES = (1, 3, 7, 30)
BUCKET_LABELS = (_("до 1 рабочего дня"), _("1–3 рабочих дня"), _("3–7 рабочих дней"),
                 _("7–30 рабочих дней"), _("больше 30 рабочих дней"))
GROUPS = (
    ("support", _("ждут техподдержку"), frozenset(WITH_SUPPORT)),
    ("customer", _("ждут заявителя"), frozenset(CUSTOMER_MUST_ACT)),
    ("other", _("отложенные предложения"),
     frozenset(OPEN_STATUSES) - frozenset(WITH_SUPPORT) - frozenset(CUSTOMER_MUST_ACT)),
)
GROUP_KEYS = tuple(key for key, _label, _statuses in GROUPS)
GROUP_LABELS = {key: label for key, label, _statuses in GROUPS}
_GROUP_OF = {status: key for key, _label, statuses in GROUPS for status in statuses}
# Far enough back for 30 working days under any calendar with a working day a week.
_MAX_DAYS_BACK = 3 * 366
# How long the report page keeps a slice's table (`recent`).
CACHE_SECONDS = 60
_COLUMNS = {"agent": "assignee_id", "channel": "channel", "category": "category",
            "priority": "priority", "organisation": "organisation_id"}


def working_day(calendar: BusinessCalendar) -> timedelta:
    """The length of the service's standard working day (its usual hours)."""
    return timedelta(minutes=sum(period.minutes for period in calendar.standard_periods))


def working_time_ago(calendar: BusinessCalendar, now: datetime, duration: timedelta) -> datetime:
    """The latest instant from which exactly `duration` of working time runs until `now`."""
    remaining = duration
    day = now.astimezone(calendar.zone).date()
    for _step in range(_MAX_DAYS_BACK):
        for start, end in reversed(calendar.intervals_on(day)):
            end = min(end, now)
            if end <= start:
                continue
            if end - start >= remaining:
                return end - remaining
            remaining -= end - start
        day -= timedelta(days=1)
    return now - timedelta(days=_MAX_DAYS_BACK)


def thresholds(calendar: BusinessCalendar, now: datetime) -> list[datetime]:
    """The instants 1, 3, 7 and 30 working days before `now` (newest first)."""
    length = working_day(calendar)
    return [working_time_ago(calendar, now, length * days) for days in BOUNDARIES]


def bucket_q(bounds: list[datetime], bucket: int) -> Q:
    """Tickets created within age bucket `bucket` (0 = youngest), given `thresholds`."""
    condition = Q()
    if bucket < len(bounds):
        condition &= Q(created_at__gt=bounds[bucket])
    if bucket > 0:
        condition &= Q(created_at__lte=bounds[bucket - 1])
    return condition


def open_tickets(scope: Scope) -> QuerySet:
    """The open tickets of the report's slice (services, line, its dimensions)."""
    tickets = Ticket.objects.filter(service_id__in=scope.service_ids, status__in=sorted(OPEN_STATUSES))
    if scope.group_id is not None:
        tickets = tickets.filter(group_id=scope.group_id)
    for dim, value in scope.dimensions:
        if dim == "region":
            tickets = tickets.filter(Q(organisation__region=value) if value else
                                     Q(organisation__isnull=True) | Q(organisation__region=""))
        elif dim in ("agent", "organisation"):
            column = _COLUMNS[dim]
            tickets = tickets.filter(**({column: int(value)} if value and value != "0"
                                        else {f"{column}__isnull": True}))
        else:
            tickets = tickets.filter(**{_COLUMNS[dim]: value})
    return tickets


@dataclass
class BacklogAge:
    # counts[group key][bucket]
    counts: dict[str, list[int]]
    # The moment counted.
    at: datetime | None = None

    def total(self, group: str) -> int:
        return sum(self.counts[group])

    def bucket_total(self, bucket: int) -> int:
        return sum(self.counts[group][bucket] for group in GROUP_KEYS)

    def rows(self):
        """(bucket, label, [count per group], total) for a table."""
        return [(bucket, label, [self.counts[key][bucket] for key in GROUP_KEYS],
                 self.bucket_total(bucket)) for bucket, label in enumerate(BUCKET_LABELS)]


def backlog_age(scope: Scope, now: datetime) -> BacklogAge:
    """One pass over the open tickets of the slice, counted per status and age bucket (each
    service's boundaries in a CASE)."""
    counts = {key: [0] * len(BUCKET_LABELS) for key in GROUP_KEYS}
    services = list(Service.objects.filter(pk__in=scope.service_ids))
    if not services:
        return BacklogAge(counts, now)
    age = Case(*[When(service_id=service.pk, then=_bucket_case(thresholds(calendar_for(service), now)))
                 for service in services], default=Value(-1))
    rows = (open_tickets(scope).annotate(age=age).values_list("status", "age")
            .annotate(n=Count("id")).order_by())
    for status, bucket, n in rows:
        if bucket >= 0:
            counts[_GROUP_OF[status]][bucket] += n
    return BacklogAge(counts, now)


def recent(scope: Scope, now: datetime) -> BacklogAge:
    """`backlog_age` as counted within the current minute (of `now`) for this slice: the
    first request of a minute counts, the others of that minute reuse its table."""
    slice_ = repr((sorted(scope.service_ids), scope.group_id, scope.dimensions))
    minute = int(now.timestamp()) // CACHE_SECONDS
    key = f"reports:backlog-age:v1:{minute}:{hashlib.sha256(slice_.encode()).hexdigest()}"
    age = cache.get(key)
    if age is None:
        age = backlog_age(scope, now)
        cache.set(key, age, CACHE_SECONDS)
    return age


def _bucket_case(bounds: list[datetime]) -> Case:
    """The age bucket of a ticket's creation instant, given `thresholds` (as `bucket_q`)."""
    return Case(*[When(created_at__gt=bound, then=Value(bucket)) for bucket, bound in enumerate(bounds)],
                default=Value(len(bounds)))


def bucket_tickets(scope: Scope, now: datetime, group: str, bucket: int, limit: int) -> list[Ticket]:
    """The open tickets behind one cell of the table (the oldest first), at most `limit`."""
    statuses = next(s for key, _label, s in GROUPS if key == group)
    condition = Q()
    for service in Service.objects.filter(pk__in=scope.service_ids):
        condition |= Q(service_id=service.pk) & bucket_q(thresholds(calendar_for(service), now), bucket)
    if not condition:
        return []
    return list(open_tickets(scope).filter(condition, status__in=sorted(statuses))
                .select_related("service", "assignee", "group").order_by("created_at", "id")[:limit])
