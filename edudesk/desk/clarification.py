"""The clarification checklist: what the service's form asks for that this ticket lacks.

The list comes from the intake schema of the ticket's service and category (the common data
of a first request, then the category's own, e.g. the browser and its version for an error
message). Required data that is absent is pre-ticked; the rest can be ticked by hand.
"""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edudesk.intake.schema import FieldSpec, FormSchema
from edudesk.intake.services import schema_for
from edudesk.tickets.models import Ticket

# Where a schema field's value may also be known from: the requester and their organisation.
_KNOWN_FROM_REQUESTER = {
    "full_name": lambda t: t.requester.full_name,
    "email": lambda t: t.requester.email,
    "phone": lambda t: t.requester.phone,
    "login": lambda t: t.requester.login,
    "role": lambda t: t.requester.role,
    "organisation": lambda t: t.organisation.name if t.organisation else "",
    "platform_url": lambda t: t.organisation.lms_url if t.organisation else "",
}
_KNOWN_FROM_KEY = {
    "region": lambda t: t.organisation.region if t.organisation else "",
    "description": lambda t: t.description,
}


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    help: str
    missing: bool


def ticket_schema(ticket: Ticket) -> FormSchema:
    """The service's form schema, read once per ticket object (the page uses it three times)."""
    cached = getattr(ticket, "_desk_schema", None)
    if cached is None:
        cached = ticket._desk_schema = schema_for(ticket.service)
    return cached


def ticket_specs(schema: FormSchema, ticket: Ticket) -> tuple[FieldSpec, ...]:
    """The fields of the ticket's category, or the common fields when it has none."""
    if ticket.category and schema.has_category(ticket.category):
        return schema.fields_for(ticket.category)
    return schema.common


def known_value(spec: FieldSpec, ticket: Ticket, attachment_count: int) -> str:
    if spec.type == "file":
        return "yes" if attachment_count >= max(spec.effective_min_files, 1) else ""
    value = ticket.fields.get(spec.key)
    if isinstance(value, str) and value.strip():
        return value
    source = _KNOWN_FROM_REQUESTER.get(spec.context_key) or _KNOWN_FROM_KEY.get(spec.key)
    return (source(ticket) or "") if source else ""


def checklist(ticket: Ticket, attachment_count: int) -> list[ChecklistItem]:
    schema = ticket_schema(ticket)
    language = get_language()
    items = []
    for spec in ticket_specs(schema, ticket):
        if spec.key == "description":
            continue
        missing = spec.required and not known_value(spec, ticket, attachment_count)
        items.append(ChecklistItem(spec.key, spec.label.get(language), spec.help.get(language), missing))
    return items


def clarification_text(body: str, items: list[ChecklistItem]) -> str:
    """The agent's words, then the list of what to send, one line per item."""
    parts = [body.strip()] if body.strip() else []
    if items:
        lines = [_("Чтобы мы могли продолжить работу по обращению, пришлите, пожалуйста:")]
        lines += [f"— {item.label}" for item in items]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
