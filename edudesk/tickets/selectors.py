"""Who may see which tickets: one place for the visibility rules."""

from django.db.models import Q, QuerySet

from edudesk.accounts.models import Contact
from edudesk.tickets.models import Ticket


def visible_to_user(user, service_ids=None) -> QuerySet[Ticket]:
    """Agents see the tickets of the services they serve (``service_ids``: the caller's
    ``user.served_service_ids()``, or ``user.served_service_ids_query()`` as a subquery)."""
    return Ticket.objects.filter(service_id__in=user.served_service_ids() if service_ids is None
                                 else service_ids)


def visible_to_contact(contact: Contact) -> QuerySet[Ticket]:
    """A customer sees their own tickets; an organisation's administrator also sees the
    organisation's tickets where the service allows it."""
    condition = Q(requester=contact)
    if contact.is_org_admin and contact.organisation_id and contact.service.org_admins_see_org_tickets:
        condition |= Q(organisation_id=contact.organisation_id)
    return Ticket.objects.filter(Q(service_id=contact.service_id) & condition)
