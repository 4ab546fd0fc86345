"""Who may see which tickets: one place for the visibility rules; and the description."""

from django.db.models import F, Q, QuerySet

from edudesk.accounts.models import Contact
from edudesk.tickets.models import Message, Ticket


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



def description(via: str = "") -> F:
    """The description as an expression: the opening message's text (``Message.opens``), of
    the tickets queried or of the ticket ``via`` names (``description("ticket")`` on events)."""
    return F(f"{via}__opening__body" if via else "opening__body")


def with_description(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets with their description, joined in the same query (no query per ticket).
    Every query that reads descriptions goes through here or ``description``;
    ``values_list("description")`` and ``filter(description=…)`` work on the result."""
    return tickets.annotate(description=description())


def load_descriptions(tickets: list[Ticket]) -> list[Ticket]:
    """Give tickets read alone (their relations after, by id: the API) their descriptions in
    one query; a ticket that has it already (just opened, or ``with_description``) keeps it."""
    missing = {ticket.pk: ticket for ticket in tickets if "_description" not in ticket.__dict__}
    if missing:
        bodies = dict(Message.objects.filter(opens_id__in=list(missing)).order_by()
                      .values_list("opens_id", "body"))
        for pk, ticket in missing.items():
            ticket.description = bodies.get(pk, "")
    return tickets
