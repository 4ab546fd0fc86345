"""Queues: the list an agent works through, with filters, saved filters and self-refresh."""

from datetime import datetime, time
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.accounts.models import User
from edudesk.desk import queues
from edudesk.desk.access import agent_required, served_services, ticket_scope
from edudesk.desk.forms import NAME_FIELDS, QueueFilterForm
from edudesk.desk.models import SavedFilter
from edudesk.desk.rows import queue_rows
from edudesk.tickets.models import Priority
from edudesk.tickets.status import Status

FILTER_KEYS = ("queue", "service", "status", "priority", "channel", "category", "region",
               "organisation", "assignee", "created_from", "created_to")


def _apply_filters(tickets, data: dict):
    simple = {"service": "service", "status": "status", "priority": "priority",
              "channel": "channel", "category": "category", "region": "organisation__region",
              "organisation": "organisation_id"}
    for key, column in simple.items():
        value = data.get(key)
        if value not in (None, ""):
            tickets = tickets.filter(**{column: value})
    assignee = data.get("assignee")
    if assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(assignee_id=int(assignee))
    zone = timezone.get_current_timezone()
    if data.get("created_from"):
        tickets = tickets.filter(created_at__gte=datetime.combine(data["created_from"], time.min, zone))
    if data.get("created_to"):
        tickets = tickets.filter(created_at__lte=datetime.combine(data["created_to"], time.max, zone))
    return tickets


def _bulk_actions() -> list[tuple[str, str]]:
    """What a queue's bulk form offers: take, move to a status, change the priority."""
    return [
        ("take", _("Взять себе")),
        *[(f"status:{s.value}", _("Статус: %(label)s") % {"label": s.label}) for s in Status],
        *[(f"priority:{p.value}", _("Приоритет: %(label)s") % {"label": p.label}) for p in Priority],
    ]


def _filter_query(request) -> str:
    pairs = [(key, request.GET[key]) for key in FILTER_KEYS if request.GET.get(key)]
    return urlencode(pairs)


@agent_required
def queue_view(request):
    user = request.user
    queue = queues.QUEUES.get(request.GET.get("queue", ""), queues.QUEUES[queues.DEFAULT_QUEUE])
    services = served_services(user)
    service_ids = [s.pk for s in services]
    agents = (User.objects.filter(services__in=service_ids, is_active=True).distinct()
              .only(*NAME_FIELDS).order_by("full_name", "username"))
    form = QueueFilterForm(request.GET or None, services=services, agents=agents)
    data = form.cleaned_data if form.is_valid() else {}
    scope = ticket_scope(user)
    viewer = queues.viewer_for(user)
    tickets = queues.listed(_apply_filters(queue.tickets(scope, viewer), data))
    page, next_cursor = queue.keyset.page(tickets, queue.keyset.decode(request.GET.get("after", "")),
                                          queues.PAGE_SIZE)
    filter_query = _filter_query(request)
    context = {
        "queue": queue,
        "queue_counts": queues.counts(scope, viewer),
        "tickets": page,
        "rows": queue_rows(page),
        "next_cursor": next_cursor,
        "after": request.GET.get("after", ""),
        "filter_query": filter_query,
        "form": form,
        "filters_active": any(value not in (None, "") for value in data.values()),
        "saved_filters": SavedFilter.objects.filter(user=user),
        "now": timezone.now(),
        "bulk_actions": _bulk_actions(),
    }
    if request.htmx:
        return render(request, "desk/partials/queue_refresh.html", context)
    return render(request, "desk/queue.html", context)


@agent_required
@require_POST
def save_filter(request):
    name = (request.POST.get("name") or "").strip()[:100]
    query = (request.POST.get("query") or "")[:1000]
    if not name:
        messages.error(request, _("Назовите фильтр, чтобы сохранить его."))
        return redirect(f"{reverse('desk:queue')}?{query}")
    try:
        SavedFilter.objects.create(user=request.user, name=name, query=query)
    except IntegrityError:
        SavedFilter.objects.filter(user=request.user, name=name).update(query=query)
    messages.success(request, _("Фильтр «%(name)s» сохранён.") % {"name": name})
    return redirect(f"{reverse('desk:queue')}?{query}")


@agent_required
@require_POST
def delete_filter(request, pk: int):
    get_object_or_404(SavedFilter, Q(user=request.user), pk=pk).delete()
    return redirect("desk:queue")
