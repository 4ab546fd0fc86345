"""The desk ticket page's mass-incident panel: the incident covering the ticket, or the
incidents it may belong to (one click to link), or «объявить инцидент». One query."""

from django import template
from django.db.models import Exists, OuterRef, Q, Subquery

from edudesk.incidents.models import Incident, IncidentChild, IncidentSuggestion

register = template.Library()


@register.inclusion_tag("incidents/desk_ticket_panel.html", takes_context=True)
def incident_panel(context, ticket):
    incidents = list(
        Incident.objects.filter(Q(children__ticket=ticket)
                                | Q(suggestions__ticket=ticket, state=Incident.State.ACTIVE))
        .annotate(linked=Exists(IncidentChild.objects.filter(incident=OuterRef("pk"), ticket=ticket)),
                  suggestion_id=Subquery(IncidentSuggestion.objects.filter(
                      incident=OuterRef("pk"), ticket=ticket).values("pk")[:1]))
        .distinct().order_by("-linked", "-started_at")[:4])
    linked = next((incident for incident in incidents if incident.linked), None)
    return {"ticket": ticket, "incident": linked,
            "suggestions": [] if linked else incidents[:3],
            "csrf_token": context.get("csrf_token"), "request": context.get("request")}
