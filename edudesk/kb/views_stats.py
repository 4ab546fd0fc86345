"""Supervisors: requests answered by the knowledge base (/reports/kb)."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from edudesk.kb import stats
from edudesk.reports.access import report_services, supervisor_required

PERIODS = (7, 30, 90, 365)


@supervisor_required
def kb_stats(request):
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    until = timezone.now()
    per_service, articles = stats.figures(report_services(request.user), until - timedelta(days=days),
                                          until)
    return render(request, "kb/stats.html", {
        "per_service": per_service, "articles": articles, "days": days, "periods": PERIODS})
