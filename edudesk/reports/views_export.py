"""Exports of the desk's ticket lists: at once when short, by a job with a progress page when long.
Thin: the rules are in list_exports."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk.access import agent_required
from edudesk.reports import exports, list_exports
from edudesk.reports.models import ListExport

# Where each list lives in the desk (for the way back).
PAGES = {"queue": "desk:queue", "search": "desk:search"}


@agent_required
@require_POST
def list_export_view(request, source: str):
    chosen = list_exports.SOURCES.get(source)
    if chosen is None:
        raise Http404
    query = request.POST.get("query", "")[:2000]
    params = QueryDict(query)
    file_format = request.POST.get("format", "")
    if file_format not in exports.WRITERS:
        messages.error(request, _("Выберите формат выгрузки: CSV или XLSX."))
        return redirect(f"{reverse(PAGES[source])}?{query}")
    now = timezone.now()
    if list_exports.is_large(chosen, request.user, params):
        job = list_exports.start(request.user, chosen, params, file_format, now)
        return redirect("reports:list_export", pk=job.pk)
    body = list_exports.render(chosen, request.user, params, file_format)
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[file_format])
    name = list_exports.file_name(chosen, file_format, now)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _own(request, pk: int) -> ListExport:
    """The export if this agent asked for it; anyone else's is a 404 (its existence stays hidden)."""
    return get_object_or_404(ListExport, pk=pk, user=request.user)


@agent_required
def list_export_status_view(request, pk: int):
    job = _own(request, pk)
    context = {"job": job, "back_url": f"{reverse(PAGES[job.source])}?{job.query}",
               "expired": job.expires_at <= timezone.now()}
    if request.htmx:
        return render(request, "reports/partials/list_export_progress.html", context)
    return render(request, "reports/list_export.html", context)


@agent_required
def list_export_download_view(request, pk: int):
    job = _own(request, pk)
    path = list_exports.file_of(job) if job.path else None
    if job.state != ListExport.State.DONE or job.expires_at <= timezone.now() or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type=exports.CONTENT_TYPES[job.file_format])
