"""Scheduled summaries: each subscribed supervisor gets the last finished week or month by mail,
with the report attached as XLSX, through the outbound mail queue. A period is mailed once:
the subscription row is claimed (`skip_locked`) and moved on in the transaction that queues
the mail."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from edudesk.mail.staff_notices import send_report_summary
from edudesk.reports import exports, pages
from edudesk.reports.access import report_services
from edudesk.reports.forms import ReportForm
from edudesk.reports.models import SummarySubscription

XLSX = exports.CONTENT_TYPES["xlsx"]


def last_finished_period(frequency: str, today: date) -> tuple[date, date]:
    if frequency == SummarySubscription.Frequency.WEEKLY:
        start = today - timedelta(days=today.weekday() + 7)
        return start, start + timedelta(days=6)
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def send_due(now: datetime | None = None) -> int:
    """Queue every summary whose period has finished and was not mailed yet; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for pk in SummarySubscription.objects.values_list("pk", flat=True):
        with transaction.atomic():
            subscription = (SummarySubscription.objects.select_for_update(skip_locked=True)
                            .select_related("user").filter(pk=pk).first())
            if subscription is None:
                continue
            start, end = last_finished_period(subscription.frequency, today)
            if subscription.last_period_start == start:
                continue
            if _queue(subscription, start, end, now):
                sent += 1
            subscription.last_period_start = start
            subscription.save(update_fields=["last_period_start"])
    return sent


def _queue(subscription: SummarySubscription, start: date, end: date, now: datetime) -> bool:
    user = subscription.user
    services = report_services(user)
    if not (user.is_active and user.is_supervisor and user.email and services):
        return False
    grouping = "day" if subscription.frequency == SummarySubscription.Frequency.WEEKLY else "week"
    query = {"date_from": start.isoformat(), "date_to": end.isoformat(), "grouping": grouping}
    with translation.override(settings.LANGUAGE_CODE):
        form = ReportForm(query, services=services)
        form.is_valid()
        context = pages.build(form)
        workbook = exports.to_xlsx(context)
    whole = context["whole"]
    period = f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"
    mail = send_report_summary(
        user, services[0], now=now,
        context=lambda: {
            "period": period,
            "scope": ", ".join(s.name for s in services),
            "created": whole.count("created"), "resolved": whole.count("resolved"),
            "backlog": whole.backlog,
            "review_met": pages.percent(whole.sla["review"].share_met),
            "clarification_rate": pages.percent(whole.clarification_rate),
            "url": f"{settings.SITE_URL}{reverse('reports:period')}?{urlencode(query)}",
        },
        attachment=(f"edudesk-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", workbook, XLSX),
    )
    return mail is not None
