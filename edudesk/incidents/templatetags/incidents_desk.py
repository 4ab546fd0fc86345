"""The desk ticket page's mass-incident panel: the incident covering the ticket, or the
incidents it may belong to (one click to link), or «объявить инцидент»."""

from django import template
from django.db.models import BigIntegerField, Q, Value

from edudesk.incidents.models import Incident, IncidentChild, IncidentSuggestion

register = template.Library()


@register.inclusion_tag("incidents/desk_ticket_panel.html", takes_context=True)
def incident_panel(context, ticket):
    """Usually one plain query: the ticket's incident and suggestions (none for most tickets);
    the incidents' rows only when there are some."""
    marks = list(IncidentChild.objects.filter(ticket=ticket).order_by()
                 .values_list("incident_id", Value(0, output_field=BigIntegerField()))
                 .union(IncidentSuggestion.objects.filter(ticket=ticket).order_by()
                        .values_list("incident_id", "pk")))
    incidents = []
    if marks:
        linked_ids = {incident_id for incident_id, suggestion in marks if not suggestion}
        suggestions = {incident_id: suggestion for incident_id, suggestion in marks if suggestion}
        for incident in Incident.objects.filter(Q(pk__in=linked_ids)
                                                | Q(pk__in=suggestions, state=Incident.State.ACTIVE)):
            incident.linked = incident.pk in linked_ids
            incident.suggestion_id = suggestions.get(incident.pk)
            incidents.append(incident)
        incidents.sort(key=lambda incident: (not incident.linked, -incident.started_at.timestamp()))
    linked = next((incident for incident in incidents if incident.linked), None)
    return {"ticket": ticket, "incident": linked,
            "suggestions": [] if linked else incidents[:3],
            "csrf_token": context.get("csrf_token"), "request": context.get("request")}
