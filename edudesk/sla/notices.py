"""What customers and agents are told about time: off-hours receipt, due dates, time left."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from edudesk.accounts.models import Service
from edudesk.sla.calendars import calendar_for
from edudesk.sla.clocks import remaining_working_time
from edudesk.sla.escalation import local_text
from edudesk.sla.models import Notification, SlaClock
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import SOLUTION_RUNNING_STATUSES, Status


def next_working_moment(service: Service, received_at: datetime) -> datetime | None:
    """When a specialist can first look at a request received then; None in working time."""
    calendar = calendar_for(service)
    if calendar.is_working_moment(received_at):
        return None
    return calendar.next_working_moment(received_at).astimezone(calendar.zone)


def off_hours_notice(service: Service, received_at: datetime) -> str:
    """The sentence for a request received outside working time (seed 2: registered at once,
    a specialist contacts on the next working day); empty during working time.

    "Обращение получено в нерабочее время: оно зарегистрировано, а специалист свяжется с вами
    в ближайший рабочий день — 30.11.2026 с 08:00."
    """
    start = next_working_moment(service, received_at)
    if start is None:
        return ""
    return _("Обращение получено в нерабочее время: оно зарегистрировано, а специалист свяжется "
             "с вами в ближайший рабочий день — %(date)s с %(time)s.") % {
        "date": start.strftime("%d.%m.%Y"),
        "time": start.strftime("%H:%M"),
    }


def due_notice(ticket: Ticket) -> str:
    """The registration sentence with the priority and the due date (seed 2, step 3)."""
    if ticket.due_at is None:
        return _("Приоритет: %(priority)s. Срок исполнения будет назначен после рассмотрения.") % {
            "priority": ticket.get_priority_display()}
    return _("Приоритет: %(priority)s. Срок исполнения: %(due)s.") % {
        "priority": ticket.get_priority_display(),
        "due": local_text(ticket.due_at, ticket.service.time_zone),
    }


def registration_summary(ticket: Ticket) -> str:
    """What the requester must note, in one paragraph (for an agent to read out on the phone):
    number and date (seed 1), priority and due date (seed 2), and the next working day."""
    parts = [
        _("Обращение %(number)s от %(date)s.") % {
            "number": ticket.number,
            "date": local_text(ticket.created_at, ticket.service.time_zone)},
        due_notice(ticket),
        off_hours_notice(ticket.service, ticket.created_at),
    ]
    return " ".join(part for part in parts if part)


def format_working_time(value: timedelta) -> str:
    """«2 ч 15 мин», «−0 ч 30 мин» once overdue."""
    minutes = int(abs(value).total_seconds() // 60)
    sign = "−" if value < timedelta(0) else ""
    return _("%(sign)s%(hours)d ч %(minutes)02d мин") % {
        "sign": sign,
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


def remaining_minutes(ticket: Ticket, now: datetime) -> int | None:
    """Working minutes left on the ticket's current promise, from its own columns (no query).

    A registered request counts down to its review, a request in work to its solution; a
    request waiting for the customer, answered or closed has no running clock (None).
    Negative once overdue. Meant for lists: the calendar is cached per service.
    """
    if ticket.status == Status.REGISTERED:
        due = ticket.review_due_at
    elif ticket.status in SOLUTION_RUNNING_STATUSES:
        due = ticket.due_at
    else:
        return None
    if due is None:
        return None
    left = calendar_for(ticket.service).working_time_between(now, due)
    return int(left.total_seconds() // 60)


def sla_summary(ticket: Ticket, now: datetime) -> dict:
    """SLA fields for the API and the agent workspace: due moments and working time left.

    `remaining_minutes` belongs to the nearest active clock (negative once overdue).
    """
    clocks = []
    for clock in SlaClock.objects.filter(ticket=ticket).order_by("due_at"):
        clock.ticket = ticket
        remaining = remaining_working_time(clock, now)
        clocks.append(
            {
                "kind": clock.kind,
                "state": clock.state,
                "due_at": clock.due_at,
                "stopped_at": clock.stopped_at,
                "remaining_minutes": None if remaining is None else int(remaining.total_seconds() // 60),
            }
        )
    active = [clock for clock in clocks if clock["remaining_minutes"] is not None]
    return {
        "review_due_at": ticket.review_due_at,
        "due_at": ticket.due_at,
        "sla_flag": ticket.sla_flag,
        "remaining_minutes": active[0]["remaining_minutes"] if active else None,
        "clocks": clocks,
    }


def unread_notifications(user, limit: int = 50) -> list[Notification]:
    """The person's unread in-app notices, newest first (indexed by recipient, read_at, id)."""
    return list(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .select_related("ticket")
        .order_by("-id")[:limit]
    )


def mark_read(user, notification_ids: list[int], now: datetime) -> int:
    """Mark the person's own notices read; someone else's ids are ignored."""
    return Notification.objects.filter(recipient=user, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=now
    )
