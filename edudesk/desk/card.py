"""The requester card: everything the intake collected, the contact and their other tickets."""

from dataclasses import dataclass

from django.utils.translation import get_language

from edudesk.desk.clarification import ticket_schema
from edudesk.tickets.models import Ticket

OTHER_TICKETS_SHOWN = 10


@dataclass(frozen=True)
class FieldRow:
    label: str
    value: str

    @property
    def is_link(self) -> bool:
        return self.value.startswith(("http://", "https://"))


def field_rows(ticket: Ticket) -> list[FieldRow]:
    """Every intake field of the ticket, labelled as the service's form labels it."""
    schema = ticket_schema(ticket)
    language = get_language()
    labels: dict[str, str] = {}
    for _category, spec in schema.iter_fields():
        labels.setdefault(spec.key, spec.label.get(language))
    rows = []
    for key, value in ticket.fields.items():
        if value in (None, "", [], {}):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        rows.append(FieldRow(labels.get(key, key), text))
    return rows


def other_tickets(ticket: Ticket) -> list[Ticket]:
    """The requester's latest other tickets, with what the card shows of them (number, subject,
    status). A contact belongs to one service, so these are in the ticket's service, which the
    agent on its page serves (and names their statuses)."""
    others = list(Ticket.objects.filter(service_id=ticket.service_id, requester_id=ticket.requester_id)
                  .exclude(pk=ticket.pk).select_related("merged_into")
                  .only("number", "subject", "status", "service_id", "merged_into__number")
                  .order_by("-id")[:OTHER_TICKETS_SHOWN])
    for other in others:
        other.service = ticket.service
    return others


def category_choices(ticket: Ticket) -> list[tuple[str, str]]:
    """The categories of the ticket's service, as its form names them."""
    language = get_language()
    return [(c.key, c.label.get(language)) for c in ticket_schema(ticket).categories]
