"""What users see of mass incidents: the service's known problems, the status page and its
feeds, and the known problem behind a ticket (the receipt, the portal, the API, the mail)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from edudesk.accounts.models import Service
from edudesk.incidents.models import Incident, IncidentChild
from edudesk.tickets.models import Ticket

# Resolved incidents stay on the status page and in the feeds this long.
RECENT = timedelta(days=14)
RECENT_LIMIT = 20


def active_incidents(service: Service) -> list[Incident]:
    return list(Incident.objects.filter(service=service, state=Incident.State.ACTIVE)
                .order_by("-started_at", "-id"))


def recent_incidents(service: Service, now: datetime | None = None) -> list[Incident]:
    now = now or timezone.now()
    return list(Incident.objects.filter(service=service, state=Incident.State.RESOLVED,
                                        resolved_at__gte=now - RECENT)
                .order_by("-resolved_at", "-id")[:RECENT_LIMIT])


def status_url(service: Service) -> str:
    return settings.SITE_URL + reverse("status:page", kwargs={"service": service.code})


def incident_notice_context(incident_id) -> dict:
    """The template context of the mails that tell a requester about their known problem."""
    incident = Incident.objects.select_related("service").filter(pk=incident_id).first()
    if incident is None:
        return {"incident_title": "", "incident_text": "", "status_url": ""}
    return {"incident_title": incident.title, "incident_text": incident.public_text,
            "status_url": status_url(incident.service)}


def incident_of(ticket: Ticket) -> Incident | None:
    """The incident covering the ticket (free when the caller joined ``incident_link__incident``)."""
    try:
        return ticket.incident_link.incident
    except IncidentChild.DoesNotExist:
        return None


def known_problem_out(ticket: Ticket) -> dict | None:
    """The API's ``known_problem`` of a ticket: the mass incident covering it, if any."""
    incident = incident_of(ticket)
    if incident is None:
        return None
    return incident_out(incident) | {"status_url": status_url(incident.service)}


def incident_out(incident: Incident) -> dict:
    """One incident in the JSON feed and the API."""
    return {
        "id": incident.pk,
        "label": incident.label,
        "title": incident.title,
        "text": incident.public_text,
        "state": incident.state,
        "regions": list(incident.regions),
        "started_at": incident.started_at.isoformat(),
        "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
        "closing_text": incident.closing_text,
    }


# --- the request form's «Известные проблемы» ---------------------------------------------------

def for_form(service: Service) -> list[Incident]:
    """The known problems the form shows first (the newest first, a handful)."""
    return active_incidents(service)[:5]


def chosen(service: Service, value) -> Incident | None:
    """The active incident a «У меня та же проблема» names (anything else: none)."""
    if not str(value or "").isdigit():
        return None
    return Incident.objects.filter(pk=int(value), service=service,
                                   state=Incident.State.ACTIVE).first()


def category_for(incident: Incident, schema) -> str:
    """The form category a «У меня та же проблема» request is filed under."""
    for key in (incident.category, "other"):
        if key and schema.has_category(key):
            return key
    return schema.categories[0].key if schema.categories else ""


def same_problem_text(incident: Incident) -> str:
    from django.utils.translation import gettext

    return gettext("У меня та же проблема: %(title)s") % {"title": incident.title}
