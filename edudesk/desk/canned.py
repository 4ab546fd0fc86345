"""Canned responses: a ready text with the ticket's {number}, {name} and {due} filled in."""

import re

from django.db.models import Q, QuerySet

from edudesk.desk.models import CannedResponse
from edudesk.sla.escalation import local_text
from edudesk.tickets.models import Ticket

_VARIABLE = re.compile(r"\{(number|name|due)\}")


def variables(ticket: Ticket) -> dict[str, str]:
    requester = ticket.requester
    return {
        "number": ticket.number,
        "name": requester.full_name or requester.email or requester.login,
        "due": local_text(ticket.due_at, ticket.service.time_zone) if ticket.due_at else "—",
    }


def render(text: str, ticket: Ticket) -> str:
    """Replace the three known variables; any other braces stay as they are."""
    values = variables(ticket)
    return _VARIABLE.sub(lambda match: values[match.group(1)], text)


def responses_for(ticket: Ticket) -> QuerySet[CannedResponse]:
    return CannedResponse.objects.filter(
        Q(service__isnull=True) | Q(service_id=ticket.service_id), is_active=True)
