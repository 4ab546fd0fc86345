"""Supervisors' pages: the live board, reports over a period, exports. Thin: parse, call, render."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.reports import backlog_age, drilldown, exports, pages, satisfaction
from edudesk.reports import board as board_module
from edudesk.reports.access import report_services, supervisor_required
from edudesk.reports.forms import ReportForm
from edudesk.reports.metrics import KNOWN_METRICS
from edudesk.reports.models import SummarySubscription


@supervisor_required
def board_view(request):
    services = report_services(request.user)
    now = timezone.now()
    context = {"board": board_module.build(services, now, timezone.localdate(now)),
               "services": services,
               "low_ratings": satisfaction.open_follow_ups([s.pk for s in services])}
    if request.htmx:
        return render(request, "reports/partials/board.html", context)
    return render(request, "reports/board.html", context)


@supervisor_required
def period_view(request):
    form = ReportForm(request.GET or None, services=report_services(request.user))
    if not form.is_bound:
        form = ReportForm({}, services=form.services)
    context = {"form": form, "query": request.GET.urlencode(),
               "subscribed": set(request.user.report_subscriptions.values_list("frequency", flat=True)),
               "frequencies": SummarySubscription.Frequency.choices}
    if form.is_valid():
        context.update(pages.build(form))
    return render(request, "reports/period.html", context, status=200 if form.is_valid() else 400)


@supervisor_required
def export_view(request):
    form = ReportForm(request.GET, services=report_services(request.user))
    kind = request.GET.get("format", "xlsx")
    if kind not in exports.WRITERS or not form.is_valid():
        return render(request, "reports/period.html", {"form": form, "query": ""}, status=400)
    data = form.cleaned_data
    body = exports.render(kind, exports.tables(pages.build(form)))
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[kind])
    name = f"edudesk-report-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@supervisor_required
def tickets_view(request):
    """The tickets behind one figure of a report (the drill-down of a bar or a number)."""
    form = ReportForm(request.GET, services=report_services(request.user))
    chosen = [metric for metric in request.GET.getlist("metric") if metric in KNOWN_METRICS]
    if not form.is_valid() or not chosen:
        return render(request, "reports/tickets.html", {"form": form, "tickets": None}, status=400)
    data = form.cleaned_data
    drill = pages.Drill(data.get("service"), data.get("line"), form.scope().dimensions)
    context = {
        "form": form,
        "tickets": drilldown.tickets(form.scope(), chosen, data["date_from"], data["date_to"]),
        "limit": drilldown.LIMIT,
        "metric_labels": [pages.metric_label(metric) for metric in chosen],
        "desk_url": drill.desk_url(data["date_from"], data["date_to"]),
        "back_url": f"{reverse('reports:period')}?{form_query(request, 'metric')}",
    }
    return render(request, "reports/tickets.html", context)


@supervisor_required
def backlog_tickets_view(request):
    """The open tickets of one cell of «by age» (the drill-down of a bar or a number)."""
    form = ReportForm(request.GET, services=report_services(request.user))
    group = request.GET.get("group", "")
    try:
        bucket = int(request.GET.get("bucket", ""))
    except ValueError:
        bucket = -1
    if not form.is_valid() or group not in backlog_age.GROUP_KEYS \
            or not 0 <= bucket < len(backlog_age.BUCKET_LABELS):
        return render(request, "reports/tickets.html", {"form": form, "tickets": None}, status=400)
    group_label = backlog_age.GROUP_LABELS[group]
    context = {
        "form": form,
        "heading": f"{str(group_label).capitalize()}, {backlog_age.BUCKET_LABELS[bucket]}",
        "tickets": backlog_age.bucket_tickets(form.scope(), timezone.now(), group, bucket,
                                              drilldown.LIMIT),
        "limit": drilldown.LIMIT,
        "back_url": f"{reverse('reports:period')}?{form_query(request, 'group', 'bucket')}",
    }
    return render(request, "reports/tickets.html", context)


def form_query(request, *without: str) -> str:
    query = request.GET.copy()
    for key in without:
        query.pop(key, None)
    return query.urlencode()


@supervisor_required
@require_POST
def subscription_view(request):
    """Turn the weekly or monthly summary by mail on or off for the signed-in supervisor."""
    frequency = request.POST.get("frequency", "")
    back = reverse("reports:period")
    if frequency not in SummarySubscription.Frequency.values:
        messages.error(request, _("Выберите, как часто присылать сводку."))
        return redirect(back)
    label = SummarySubscription.Frequency(frequency).label
    if request.POST.get("on") == "1":
        if not request.user.email:
            messages.error(request, _("В вашей учётной записи нет адреса электронной почты."))
            return redirect(back)
        SummarySubscription.objects.get_or_create(user=request.user, frequency=frequency)
        messages.success(request, _("Сводка будет приходить %(when)s на %(email)s.")
                         % {"when": label, "email": request.user.email})
    else:
        SummarySubscription.objects.filter(user=request.user, frequency=frequency).delete()
        messages.success(request, _("Сводка %(when)s отключена.") % {"when": label})
    return redirect(back)
