"""The desk ticket page's mass-incident panel: the incident covering the ticket, or the
incidents it may belong to (one click to link), or «объявить инцидент»."""

from django import template

from edudesk.incidents.models import IncidentChild, IncidentSuggestion

register = template.Library()


@register.inclusion_tag("incidents/desk_ticket_panel.html", takes_context=True)
def incident_panel(context, ticket):
    child = IncidentChild.objects.select_related("incident").filter(ticket=ticket).first()
    suggestions = ([] if child is not None else
                   list(IncidentSuggestion.objects.filter(ticket=ticket, incident__state="active")
                        .select_related("incident")[:3]))
    return {"ticket": ticket, "incident": child.incident if child else None,
            "suggestions": suggestions, "csrf_token": context.get("csrf_token"),
            "request": context.get("request")}
