"""The tickets behind one bar or number of a report: exactly those whose facts make it up.

A report figure is a sum of facts; the tickets whose facts of that metric in that period and
slice sum above zero are the tickets it counts (an SLA outcome taken back on reopening
cancels out), so the list always agrees with the number that was clicked.
"""

from datetime import date

from django.db.models import Sum

from edudesk.reports.figures import Scope, fact_filter
from edudesk.reports.models import Fact
from edudesk.tickets.models import Ticket

LIMIT = 500


def ticket_ids(scope: Scope, metrics: list[str], start: date, end: date) -> list[int]:
    facts = Fact.objects.filter(metric__in=metrics, day__gte=start, day__lte=end,
                                service_id__in=scope.service_ids)
    if scope.group_id is not None:
        facts = facts.filter(group_id=scope.group_id)
    for dim, value in scope.dimensions:
        facts = facts.filter(**fact_filter(dim, value))
    rows = (facts.values("ticket_id").annotate(n=Sum("count")).filter(n__gt=0)
            .order_by("-ticket_id")[:LIMIT])
    return [row["ticket_id"] for row in rows]


def tickets(scope: Scope, metrics: list[str], start: date, end: date):
    ids = ticket_ids(scope, metrics, start, end)
    return (Ticket.objects.filter(pk__in=ids).select_related("service", "assignee", "group")
            .order_by("-id"))
