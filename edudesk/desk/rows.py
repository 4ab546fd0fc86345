"""A queue's rows as the list shows them, each row's HTML made once in Python.

Labels are looked up once per page, and each row is one `format_html` (every value escaped):
the same row through the template language cost about 0.4 ms, 20 ms for a page of 50. Each
row names the clock that matters now (review, first answer or solution) and whether it is on
time, at risk or late; «Срок» is the due date the customer was given (the solution's). The
page's clocks come in one query (`with_clocks`), never one per row.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import User
from edudesk.desk.forms import NAME_FIELDS
from edudesk.sla.models import ClockKind, ClockState, SlaClock
from edudesk.tickets.models import Priority, Ticket

DUE_FORMAT = "%d.%m %H:%M"
# The clock that matters now: the first of these that is still running (or paused).
CLOCK_ORDER = (ClockKind.REVIEW, ClockKind.FIRST_ANSWER, ClockKind.SOLUTION)
_ACTIVE = (ClockState.RUNNING, ClockState.PAUSED)


class ClockStanding:
    ON_TIME = "on-time"
    AT_RISK = "at-risk"
    LATE = "late"
    PAUSED = "paused"


STANDING_LABELS = {
    ClockStanding.ON_TIME: _("в срок"),
    ClockStanding.AT_RISK: _("под угрозой"),
    ClockStanding.LATE: _("просрочено"),
    ClockStanding.PAUSED: _("на паузе"),
}
CLOCK_LABELS = {
    ClockKind.REVIEW: _("Рассмотрение"),
    ClockKind.FIRST_ANSWER: _("Первый ответ"),
    ClockKind.SOLUTION: _("Решение"),
}


@dataclass(frozen=True)
class Clock:
    name: str
    due: str
    short_due: str  # the time alone when it falls today
    standing: str
    standing_label: str


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    url: str
    status: str
    priority: str
    due: str
    clock: Clock | None
    requester: str
    assignee: str
    organisation: str

    def html(self, words: "_Words") -> str:
        ticket = self.ticket
        who = f"{self.requester} · {self.organisation}" if self.organisation else self.requester
        if self.clock:
            clock = format_html(
                '<span class="queue-clock {}" title="{}: {}, {}"><b>{}</b> {}'
                '<span class="visually-hidden">, {}</span></span>',
                self.clock.standing, self.clock.name, self.clock.due, self.clock.standing_label,
                self.clock.name, self.clock.short_due, self.clock.standing_label)
        else:
            clock = mark_safe('<span class="muted">—</span>')
        organisation = (format_html('<span class="q-org"> · {}</span>', self.organisation)
                        if self.organisation else "")
        return format_html(
            ROW_HTML, priority=ticket.priority, url=self.url, number=ticket.number, tick=words.tick,
            subject=ticket.subject, who=who, requester=self.requester, organisation=organisation,
            status_key=ticket.status, status=self.status, priority_label=self.priority, clock=clock,
            due_title=words.due_title, due_label=words.due_label, due=self.due, assignee=self.assignee)


ROW_HTML = (
    '<tr class="ticket-row priority-{priority}" data-url="{url}">'
    '<td class="q-tick"><input type="checkbox" name="tickets" value="{number}" form="bulk-form"'
    ' aria-label="{tick} {number}"></td>'
    '<td class="q-number"><a class="ticket-link" href="{url}">{number}</a></td>'
    '<td class="q-subject" title="{subject}">{subject}</td>'
    '<td class="q-requester" title="{who}">{requester}{organisation}</td>'
    '<td class="q-status"><span class="queue-chip status-{status_key}" title="{status}">{status}</span></td>'
    '<td class="q-priority"><span class="queue-chip priority-{priority}">{priority_label}</span></td>'
    '<td class="q-clock">{clock}</td>'
    '<td class="q-due" title="{due_title}" data-label="{due_label}">{due}</td>'
    '<td class="q-assignee" title="{assignee}">{assignee}</td></tr>'
)


@dataclass(frozen=True)
class _Words:
    tick: str
    due_title: str
    due_label: str


def rows_html(rows: list[QueueRow]) -> str:
    """The table body's rows, in the request's language."""
    words = _Words(tick=str(_("Отметить")), due_title=str(_("Срок исполнения, названный заявителю")),
                   due_label=str(_("Срок")))
    return format_html_join("\n", "{}", ((row.html(words),) for row in rows))


def with_clocks(tickets: list[Ticket]) -> list[Ticket]:
    """The page's assignees and running or paused SLA clocks, two queries for the whole page."""
    prefetch_related_objects(
        tickets,
        Prefetch("assignee", queryset=User.objects.only(*NAME_FIELDS)),
        Prefetch("sla_clocks", to_attr="active_clocks",
                 queryset=SlaClock.objects.filter(state__in=_ACTIVE).only(
                     "ticket_id", "kind", "state", "due_at", "warn_at", "warned_at", "breached")),
    )
    return tickets


def queue_rows(tickets: list[Ticket], now: datetime | None = None) -> list[QueueRow]:
    labels = _Labels()
    zone = timezone.get_current_timezone()
    now = now or timezone.now()
    # One reverse() per page: a ticket's address is the same pattern with its number in it.
    before, _sep, after = reverse("desk:ticket", args=["NUMBER"]).partition("NUMBER")
    return [_row(ticket, f"{before}{ticket.number}{after}", labels, zone, now) for ticket in tickets]


def _local(moment: datetime | None, zone) -> str:
    return moment.astimezone(zone).strftime(DUE_FORMAT) if moment else "—"


def clock_that_matters(clocks: list[SlaClock]) -> SlaClock | None:
    by_kind = {clock.kind: clock for clock in clocks if clock.state in _ACTIVE}
    return next((by_kind[kind] for kind in CLOCK_ORDER if kind in by_kind), None)


def standing(clock: SlaClock, now: datetime) -> str:
    if clock.breached or clock.due_at <= now:
        return ClockStanding.LATE
    if clock.state == ClockState.PAUSED:
        return ClockStanding.PAUSED
    if clock.warned_at or clock.warn_at <= now:
        return ClockStanding.AT_RISK
    return ClockStanding.ON_TIME


def _clock(ticket: Ticket, zone, now: datetime) -> Clock | None:
    clock = clock_that_matters(getattr(ticket, "active_clocks", []))
    if clock is None:
        return None
    state = standing(clock, now)
    local = clock.due_at.astimezone(zone)
    today = local.date() == now.astimezone(zone).date()
    short = local.strftime("%H:%M" if today else "%d.%m")
    return Clock(name=str(CLOCK_LABELS[clock.kind]), due=_local(clock.due_at, zone), short_due=short,
                 standing=state, standing_label=str(STANDING_LABELS[state]))


def _row(ticket: Ticket, url: str, labels: "_Labels", zone, now: datetime) -> QueueRow:
    return QueueRow(
        ticket=ticket,
        url=url,
        status=labels.status(ticket.service, ticket.status),
        priority=labels.choice(Priority, ticket.priority),
        due=_local(ticket.due_at, zone),
        clock=_clock(ticket, zone, now),
        requester=str(ticket.requester),
        assignee=str(ticket.assignee) if ticket.assignee_id else "—",
        organisation=str(ticket.organisation) if ticket.organisation_id else "",
    )


class _Labels:
    """Translated labels, each looked up once per page (in the request's language)."""

    def __init__(self):
        self.status = cache(lambda service, status: service.status_label(status))
        self.choice = cache(lambda choices, value: str(choices(value).label) if value in choices.values
                            else value)
