"""A queue as the agent chose it: the queue, its filters and its order, from the page's query.

The queue page and the exports of the queue read the same tickets through `chosen_queue`."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from edudesk.accounts.models import User
from edudesk.desk import directory, queues
from edudesk.desk.access import served_services, ticket_scope
from edudesk.desk.forms import NAME_FIELDS, QueueFilterForm
from edudesk.desk.keyset import Keyset

FILTER_KEYS = ("queue", "sort", "service", "status", "priority", "channel", "category", "region",
               "organisation", "assignee", "created_from", "created_to")


@dataclass(frozen=True)
class ChosenQueue:
    queue: queues.Queue
    sort: str
    keyset: Keyset
    form: QueueFilterForm
    data: dict
    viewer: queues.Viewer
    service_ids: tuple[int, ...]
    scope: QuerySet
    # The queue's tickets within the agent's services, filtered, not yet ordered.
    tickets: QuerySet

    def ordered(self) -> QuerySet:
        """Every ticket of the queue in the order of its pages (for an export)."""
        return self.tickets.order_by(*self.keyset.order_by())


def apply_filters(tickets, data: dict):
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


def chosen_queue(user, params) -> ChosenQueue:
    """The queue, filters and order named in `params` (a QueryDict), for this agent; unknown
    values fall back to the defaults, as on the page."""
    queue = queues.QUEUES.get(params.get("queue", ""), queues.QUEUES[queues.DEFAULT_QUEUE])
    sort = params.get("sort", "")
    sort = sort if sort in queues.SORTS and queue.due_sortable else ""
    service_ids = tuple(sorted(user.served_service_ids()))
    services = served_services(user, service_ids)
    form = QueueFilterForm(params or None, services=services,
                           service_choices=directory.cached("queue-services", service_ids, lambda: [
                               (service.pk, str(service)) for service in services]),
                           agent_choices=directory.cached("queue-agents", service_ids, lambda: [
                               (agent.pk, str(agent)) for agent in User.objects.filter(
                                   services__in=service_ids, is_active=True).distinct()
                               .only(*NAME_FIELDS).order_by("full_name", "username")]))
    data = form.cleaned_data if form.is_valid() else {}
    scope = ticket_scope(user, service_ids)
    viewer = queues.viewer_for(user)
    return ChosenQueue(queue=queue, sort=sort, keyset=queue.keyset_for(sort), form=form, data=data,
                       viewer=viewer, service_ids=service_ids, scope=scope,
                       tickets=apply_filters(queue.tickets(scope, viewer), data))
