"""API v1: the supervisors' figures (the same as the board and the report pages)."""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from edudesk.accounts.models import Organisation
from edudesk.api.errors import ApiError
from edudesk.api.schemas import BIGINT_MAX, Text, column
from edudesk.reports import backlog_age, board, figures, serialize
from edudesk.reports.access import report_services
from edudesk.reports.forms import ReportForm
from edudesk.tickets.models import Ticket

router = Router(tags=["reports"])


class PeriodQuery(Schema):
    """The report form's filters (`reports/forms.py` validates them); strings as long as the
    columns they match (a date is YYYY-MM-DD)."""

    date_from: str | None = Text(10, None)
    date_to: str | None = Text(10, None)
    grouping: str | None = Text(5, None)
    service: int | None = Field(None, ge=0, le=BIGINT_MAX)
    line: int | None = Field(None, ge=0, le=BIGINT_MAX)
    agent: int | None = Field(None, ge=0, le=BIGINT_MAX)
    channel: str | None = Text(column(Ticket, "channel"), None)
    category: str | None = Text(column(Ticket, "category"), None)
    priority: str | None = Text(column(Ticket, "priority"), None)
    region: str | None = Text(column(Organisation, "region"), None)
    organisation: int | None = Field(None, ge=0, le=BIGINT_MAX)


class DurationOut(Schema):
    count: int = Field(ge=0, description="How many durations were measured.")
    median_minutes: int | None = Field(
        description="Median in working minutes (nearest rank on the stored buckets); null when none.")
    p90_minutes: int | None = Field(description="90th percentile in working minutes; null when none.")


class SlaOut(Schema):
    met: int = Field(ge=0, description="Clocks stopped within the target.")
    breached: int = Field(ge=0, description="Clocks stopped after the target.")
    share_met: float | None = Field(ge=0, le=1, description="met / (met + breached); null when none.")
    median_minutes: int | None = Field(description="Median working time to stop the clock.")
    p90_minutes: int | None = Field(description="90th percentile of that working time.")


class SlaTargetsOut(Schema):
    review: SlaOut = Field(description="Review within 60 working minutes.")
    first_answer: SlaOut
    solution: SlaOut


class SatisfactionOut(Schema):
    """The customers' ratings of solved requests first given in the period (a changed rating
    counts with its new score)."""

    ratings: int = Field(ge=0, description="How many tickets were rated.")
    average: float | None = Field(ge=1, le=5, description="Average score 1–5; null without ratings.")
    share_good: float | None = Field(ge=0, le=1,
                                     description="Share of scores 4 and 5 (0–1); null without ratings.")
    low: int = Field(ge=0, description="How many scores of 1 or 2.")


class PeriodOut(Schema):
    start: date
    end: date
    created: int = Field(ge=0)
    resolved: int = Field(ge=0)
    cancelled: int = Field(ge=0)
    reopened: int = Field(ge=0)
    backlog_at_end: int = Field(description="Open tickets at the end of the period.")
    repeats: int = Field(ge=0)
    merged: int = Field(ge=0)
    split: int = Field(ge=0)
    converted_consultations: int = Field(ge=0)
    needed_clarification: int = Field(ge=0)
    clarification_rate: float | None = Field(ge=0, description="needed_clarification / created.")
    reopen_rate: float | None = Field(ge=0, description="reopened / resolved.")
    clarification_wait: DurationOut
    sla: SlaTargetsOut
    satisfaction: SatisfactionOut


class PeriodReportOut(Schema):
    grouping: str = Field(description="day, week or month.")
    periods: list[PeriodOut]
    total: PeriodOut = Field(description="The whole period.")
    previous_total: PeriodOut = Field(description="The period of the same length just before.")


class AgeBucketOut(Schema):
    min_working_days: int = Field(ge=0, description="The bucket's youngest age, in working days.")
    max_working_days: int | None = Field(
        description="The age the bucket stops before, in working days; null for the oldest.")
    support: int = Field(ge=0, description="Open tickets waiting for support.")
    customer: int = Field(ge=0, description="Open tickets waiting for the customer.")
    other: int = Field(ge=0, description="Parked suggestions («Предложения по СДО»).")
    total: int = Field(ge=0)


class BacklogAgeOut(Schema):
    """Open tickets now by age (working time since creation, in the service's standard working
    days) and by whom they wait for; the same table as the period report's «Возраст очереди»."""

    at: str = Field(description="The moment counted (ISO 8601).")
    buckets: list[AgeBucketOut]


def _form(user, query) -> ReportForm:
    form = ReportForm({k: v for k, v in query.dict().items() if v not in (None, "")},
                      services=report_services(user))
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        raise ApiError(400, "invalid", message)
    return form


def _supervisor(request):
    user = request.auth.user
    if user is None or not user.is_supervisor:
        raise ApiError(403, "forbidden", _("Отчёты доступны только руководителям линий и администраторам."))
    return user


@router.get("/reports/board", response=dict[str, Any])
def report_board(request):
    """The live board: per service and line, open tickets by status, unassigned, SLA clocks at
    risk and late per target, waiting for support vs the customer, today's created and
    resolved; each agent's open and at-risk tickets."""
    user = _supervisor(request)
    now = timezone.now()
    return serialize.board(board.build(report_services(user), now, timezone.localdate(now)))


@router.get("/reports/period", response=PeriodReportOut)
def report_period(request, query: Query[PeriodQuery]):
    """Figures per day, week or month with the whole period and the previous one of the same
    length. Filters: service and line, plus any of agent, channel, category, priority,
    region, organisation. Durations are working minutes on the service's calendar; each period
    has the customers' `satisfaction` (`SatisfactionOut`)."""
    form = _form(_supervisor(request), query)
    data = form.cleaned_data
    scope = form.scope()
    periods = figures.report(scope, data["date_from"], data["date_to"], data["grouping"])
    return {
        "grouping": data["grouping"],
        "periods": [serialize.period(p) for p in periods],
        "total": serialize.period(figures.total(periods)),
        "previous_total": serialize.period(figures.whole(scope, *form.previous_range())),
    }


@router.get("/reports/backlog-age", response=BacklogAgeOut)
def report_backlog_age(request, query: Query[PeriodQuery]):
    """Open tickets now by age bucket (<1, 1–3, 3–7, 7–30, 30 and more working days) and by whom
    they wait for. The filters are the period report's; its dates do not apply (this is the
    state now)."""
    form = _form(_supervisor(request), query)
    now = timezone.now()
    age = backlog_age.backlog_age(form.scope(), now)
    bounds = (0, *backlog_age.BOUNDARIES, None)
    return {"at": now.isoformat(), "buckets": [
        {"min_working_days": bounds[bucket], "max_working_days": bounds[bucket + 1],
         **{key: age.counts[key][bucket] for key in backlog_age.GROUP_KEYS},
         "total": age.bucket_total(bucket)}
        for bucket in range(len(backlog_age.BUCKET_LABELS))]}
