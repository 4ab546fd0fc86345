"""The public status page of a service (/status/<service>) and its JSON and RSS feeds."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from edudesk.incidents import public
from edudesk.portal import auth


@require_GET
def status_page(request, service: str):
    service_obj = auth.active_service(service)
    return render(request, "incidents/status.html", {
        "service": service_obj,
        "active": public.active_incidents(service_obj),
        "recent": public.recent_incidents(service_obj),
    })


@require_GET
def status_json(request, service: str):
    """For the LMS to show the known problems on its own pages."""
    service_obj = auth.active_service(service)
    response = JsonResponse({
        "service": service_obj.code,
        "name": service_obj.name,
        "status_url": public.status_url(service_obj),
        "active": [public.incident_out(i) for i in public.active_incidents(service_obj)],
        "recent": [public.incident_out(i) for i in public.recent_incidents(service_obj)],
    }, json_dumps_params={"ensure_ascii": False})
    # Read by the platform's own pages in the browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def status_rss(request, service: str):
    service_obj = auth.active_service(service)
    link = public.status_url(service_obj)
    feed = feedgenerator.Rss201rev2Feed(
        title=_("Состояние сервиса «%(service)s»") % {"service": service_obj.name},
        link=link, description=_("Известные проблемы и их решение"), language="ru",
        feed_url=request.build_absolute_uri(reverse("status:rss", kwargs={"service": service})))
    for incident in [*public.active_incidents(service_obj), *public.recent_incidents(service_obj)]:
        if incident.is_active:
            title = _("Известная проблема: %(title)s") % {"title": incident.title}
            text, when = incident.public_text, incident.started_at
        else:
            title = _("Устранено: %(title)s") % {"title": incident.title}
            text, when = incident.closing_text or incident.public_text, incident.resolved_at
        feed.add_item(title=title, link=f"{link}#incident-{incident.pk}", description=text,
                      unique_id=f"{link}#incident-{incident.pk}-{incident.state}", pubdate=when)
    return HttpResponse(feed.writeString("utf-8"), content_type="application/rss+xml; charset=utf-8")
