"""Queues: the list an agent works through, with filters, saved filters, a denser layout and
updates by a cheap poll."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk import fragments, queues
from edudesk.desk.access import agent_required
from edudesk.desk.models import SavedFilter
from edudesk.desk.queue_filters import FILTER_KEYS, chosen_queue
from edudesk.desk.queue_updates import prefers_dense, queue_etag, set_dense
from edudesk.desk.rows import queue_rows, rows_html, with_clocks
from edudesk.desk.views.bulk import pending_undo
from edudesk.tickets.models import Priority
from edudesk.tickets.status import Status


def _bulk_actions() -> tuple[tuple[str, str], ...]:
    """What a queue's bulk form offers: take, move to a status, change the priority."""
    return _bulk_actions_in(get_language())


@functools.lru_cache(maxsize=16)
def _bulk_actions_in(language: str) -> tuple[tuple[str, str], ...]:
    """The bulk form's choices in one language, named once per process."""
    return (
        ("take", _("Взять себе")),
        *[(f"status:{s.value}", _("Статус: %(label)s") % {"label": s.label}) for s in Status],
        *[(f"priority:{p.value}", _("Приоритет: %(label)s") % {"label": p.label}) for p in Priority],
    )


def _filter_query(request) -> str:
    pairs = [(key, request.GET[key]) for key in FILTER_KEYS if request.GET.get(key)]
    return urlencode(pairs)


def _sort_query(request, sort: str) -> str:
    """This queue and its filters in the other order, from its first page."""
    pairs = [(key, request.GET[key]) for key in FILTER_KEYS if request.GET.get(key) and key != "sort"]
    return urlencode([*pairs, ("sort", sort)] if sort else pairs)


def _page_query(request) -> str:
    """The page the agent is on: filters, order and cursor (what the poll asks for again)."""
    pairs = [(key, request.GET[key]) for key in (*FILTER_KEYS, "after") if request.GET.get(key)]
    return urlencode(pairs)


def _queue_context(request, dense: bool) -> dict:
    chosen = chosen_queue(request.user, request.GET)
    queue, sort, keyset = chosen.queue, chosen.sort, chosen.keyset
    after = request.GET.get("after", "")
    page, next_cursor = keyset.page(chosen.tickets, keyset.decode(after), queues.PAGE_SIZE,
                                    load=queues.listed)
    filter_query = _filter_query(request)
    rows = queue_rows(with_clocks(page))
    counts = queues.counts(chosen.scope, chosen.viewer)
    return {
        "queue": queue,
        "sort": sort,
        "by_due": queue.sorted_by_due(sort),
        "queue_counts": counts,
        # What the counts' cached fragment shows (desk/partials/queue_counts.html).
        "counts_shown": tuple((count.queue.key, count.label) for count in counts),
        "tickets": page,
        "rows": rows,
        "rows_html": rows_html(rows),
        "next_cursor": next_cursor,
        "after": after,
        "filter_query": filter_query,
        "page_query": _page_query(request),
        "sort_query": _sort_query(request, "" if sort else "due"),
        "form": chosen.form,
        "filter_fields_html": _filter_fields(request, chosen),
        "filters_active": any(value not in (None, "") for value in chosen.data.values()),
        "now": timezone.now(),
        "dense": dense,
    }


def _filter_fields(request, chosen):
    """The filter form's fields, rendered once for the values chosen and the agent's services
    (``desk.fragments``; the choices' names are the directory's)."""
    parts = (chosen.service_ids, *((name, request.GET.get(name, "")) for name in chosen.form.fields))
    return fragments.rendered(request, "desk/partials/queue_filter_fields.html", parts,
                              lambda: {"form": chosen.form}, version=0)


@agent_required
def queue_view(request):
    dense = prefers_dense(request)
    etag = queue_etag(request.user, _page_query(request), dense)
    context = _queue_context(request, dense)
    context.update(etag=etag, saved_filters=SavedFilter.objects.filter(user=request.user),
                   bulk_actions=_bulk_actions(), poll_seconds=settings.EDUDESK_QUEUE_POLL_SECONDS,
                   bulk_undo=pending_undo(request))
    return render(request, "desk/queue.html", context)


@agent_required
def queue_updates(request):
    """The list and the counts of the page the agent is on, for its poll.

    An idle queue costs one primary-key look-up: the answer's ETag is the latest ticket event
    (every change of every ticket writes one, the SLA sweep's warnings and breaches included)
    with the agent, the page and the language, and an unchanged queue answers 304, unrendered."""
    dense = prefers_dense(request)
    tag = queue_etag(request.user, _page_query(request), dense)
    if tag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = render(request, "desk/partials/queue_refresh.html", _queue_context(request, dense))
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    return response


@agent_required
@require_POST
def queue_density(request):
    """The denser list on or off, remembered for this agent."""
    set_dense(request, request.POST.get("dense") == "1")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("desk:queue")
    return redirect(target)


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
