"""Who may open what in the desk: signed-in staff, and only tickets of the services they serve."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from edudesk.accounts.models import Service
from edudesk.tickets.models import Consultation, Ticket
from edudesk.tickets.selectors import visible_to_user


def ticket_scope(user):
    return visible_to_user(user)


def served_services(user):
    return Service.objects.filter(pk__in=user.served_service_ids(), is_active=True).order_by("name")


def get_ticket(user, number: str) -> Ticket:
    """The ticket if this agent serves its service; otherwise a 404 (its existence stays hidden)."""
    return get_object_or_404(
        ticket_scope(user).select_related("service", "requester", "organisation", "group",
                                          "assignee", "merged_into", "consultation"),
        number=number,
    )


def get_consultation(user, pk: int) -> Consultation:
    consultation = (Consultation.objects.select_related("service", "contact", "agent")
                    .filter(pk=pk, service_id__in=user.served_service_ids()).first())
    if consultation is None:
        raise Http404
    return consultation
