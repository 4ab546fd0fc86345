"""The search box in the desk header: exact look-ups, and full text when the search app offers it."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render

from edudesk.accounts.models import Service
from edudesk.desk.access import agent_required, ticket_scope
from edudesk.desk.lookup import lookup_tickets, number_candidates

RESULTS_SHOWN = 20


def find(user, query: str, limit: int = RESULTS_SHOWN) -> list:
    """The search app's ranked search when it is installed; exact look-ups otherwise."""
    try:
        from edudesk.search.services import search_tickets
    except ImportError:
        return lookup_tickets(ticket_scope(user), query, limit)
    served = user.served_service_ids()
    return [ticket for ticket in search_tickets(user, query, limit) if ticket.service_id in served]


@agent_required
def search(request):
    query = (request.GET.get("q") or "").strip()
    results = find(request.user, query) if query else []
    numbers = set(number_candidates(query, set(Service.objects.values_list("number_prefix", flat=True))))
    exact = [t for t in results if t.number in numbers]
    if len(exact) == 1 and not request.htmx:
        return redirect("desk:ticket", number=exact[0].number)
    template = "desk/partials/search_results.html" if request.htmx else "desk/search.html"
    return render(request, template, {"query": query, "results": results,
                                      "export_query": urlencode({"q": query})})
