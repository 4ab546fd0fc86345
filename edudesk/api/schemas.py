"""Request and response shapes of API v1. Unknown fields are refused (422 naming the field).

Every string a request may carry has a maximum length, documented in the OpenAPI schema: a
column's own length where the value is stored in one (read from the model, so the two cannot
drift apart), EDUDESK_MAX_TEXT_CHARS for free text. Integers are bounded to what the database stores.
NUL bytes and lone surrogates never reach these schemas (``core/input_guard.py``).
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.db.models import Model
from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from edudesk.accounts.models import Contact, Organisation, Service
from edudesk.intake.attachments import DEFAULT_POLICY
from edudesk.intake.limits import FIELD_KEY_LIMIT, FIELDS_LIMIT, text_limit
from edudesk.tickets import policy
from edudesk.tickets.models import Consultation, Priority, Ticket
from edudesk.tickets.status import Status

BIGINT_MAX = 2**63 - 1
# Free text (description, message, notes, a value of ``fields``): EDUDESK_MAX_TEXT_CHARS.
TEXT_LIMIT = text_limit()
# JSON numbers beyond 2^53 lose precision in most clients; fields keep what they can return.
_SAFE_INT = 2**53


def column(model: type[Model], name: str) -> int:
    return model._meta.get_field(name).max_length


def Text(max_length: int, default: Any = "", **extra) -> Any:
    return Field(default, max_length=max_length, **extra)


# Path segments, as long as the columns they name.
TicketNumber = Annotated[str, StringConstraints(max_length=column(Ticket, "number"))]
ServiceCode = Annotated[str, StringConstraints(max_length=column(Service, "code"))]
PriorityIn = Literal["", *Priority.values]  # "" = the service's default (normal)
StatusIn = Literal["", *Status.values]  # "" = as the message leaves it
FieldKey = Annotated[str, StringConstraints(min_length=1, max_length=FIELD_KEY_LIMIT)]
FieldString = Annotated[str, StringConstraints(max_length=TEXT_LIMIT)]
FieldValue = (FieldString | bool | Annotated[int, Field(ge=-_SAFE_INT, le=_SAFE_INT)] | float | None
              | Annotated[list[FieldString], Field(max_length=FIELDS_LIMIT)])
FormFields = Annotated[dict[FieldKey, FieldValue], Field(max_length=FIELDS_LIMIT)]


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class RequesterIn(StrictSchema):
    email: str = Text(column(Contact, "email"))
    full_name: str = Text(column(Contact, "full_name"))
    phone: str = Text(column(Contact, "phone"))
    login: str = Text(column(Contact, "login"))
    role: str = Text(column(Contact, "role"))
    organisation: str = Text(column(Organisation, "name"))
    city: str = Text(column(Organisation, "city"))
    region: str = Text(column(Organisation, "region"))


class AttachmentIn(StrictSchema):
    """A screenshot sent inline: JPEG or PNG bytes, base64-encoded (judged by content)."""

    name: str = Field(..., max_length=255)
    content_base64: str = Field(..., max_length=15_000_000)


class TicketCreateIn(StrictSchema):
    service: str = Text(column(Service, "code"), ...)
    requester: RequesterIn | None = None
    subject: str = Text(column(Ticket, "subject"))
    description: str = Text(TEXT_LIMIT, ...)
    category: str = Text(column(Ticket, "category"))
    priority: PriorityIn = ""
    fields: FormFields = {}
    attachments: list[AttachmentIn] = Field([], max_length=DEFAULT_POLICY.max_count)
    # A customer's request that repeats one of their open tickets is added to it ("add",
    # answered 200 with that ticket); "new" registers a new ticket whatever it repeats.
    repeat: Literal["add", "new"] = "add"


class MessageIn(StrictSchema):
    body: str = Text(TEXT_LIMIT, ...)
    internal: bool = False
    attachments: list[AttachmentIn] = Field([], max_length=DEFAULT_POLICY.max_count)
    # The status the ticket moves to with this message, as one change told by one mail (an
    # agent's answer: "answered"); "needs_clarification" makes it a request for clarification.
    status: StatusIn = ""
    # What a request for clarification asks for (labels of the missing data), listed in its mail.
    missing: list[Annotated[str, StringConstraints(max_length=200)]] = Field([], max_length=50)


CloseReason = Literal["", *sorted({code for reasons in policy.CLOSE_REASONS.values()
                                     for code, _label in reasons})]


class TransitionIn(StrictSchema):
    to: str = Text(40, ...)
    # Closing (cancelled, resolved): why, shown to the customer in the portal and in the mail.
    # Required to cancel; "other" needs a comment. The closing can be undone for
    # EDUDESK_UNDO_MINUTES by the same caller (POST /tickets/{number}/transitions/undo).
    reason: CloseReason = Field("", description="One of the reasons offered for the target "
                                "status (cancelled: not_needed, solved_myself, by_mistake, "
                                "customer_asked (agents), other; resolved: answer_helped, "
                                "solved_myself, other). Required to cancel.")
    comment: str = Text(policy.MAX_COMMENT, description="The reason in the caller's own words "
                        "(required with \"other\").")


class ConsultationIn(StrictSchema):
    service: str = Text(column(Service, "code"), ...)
    channel: str = Text(column(Consultation, "channel"), "phone")
    caller_name: str = Text(column(Consultation, "caller_name"))
    contact_info: str = Text(column(Consultation, "contact_info"))
    topic: str = Text(column(Consultation, "topic"), ..., min_length=1)
    notes: str = Text(TEXT_LIMIT)
    duration_minutes: int | None = Field(None, ge=0, le=24 * 60)
    outcome: str = Text(column(Consultation, "outcome"))


class ConsultationConvertIn(StrictSchema):
    requester: RequesterIn
    subject: str = Text(column(Ticket, "subject"))
    description: str = Text(TEXT_LIMIT)
    category: str = Text(column(Ticket, "category"))
    priority: PriorityIn = ""
    fields: FormFields = {}


class PersonOut(Schema):
    full_name: str
    email: str
    phone: str
    login: str


class KnownProblemOut(Schema):
    id: int
    label: str
    title: str
    text: str
    state: str
    regions: list[str]
    started_at: datetime
    resolved_at: datetime | None
    closing_text: str
    status_url: str


class TicketOut(Schema):
    number: str
    service: str
    subject: str
    description: str
    category: str
    priority: str
    status: str
    status_label: str
    channel: str
    requester: PersonOut
    organisation: str | None
    group: str | None
    assignee: str | None
    fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    review_due_at: datetime | None
    due_at: datetime | None
    sla_flag: str
    remaining_minutes: int | None
    merged_into: str | None
    specialist_contacts_from: datetime | None = Field(
        None, description="Received out of working hours: the next working moment, when a "
                          "specialist contacts the requester at the earliest; null otherwise.")
    off_hours_notice: str = Field(
        "", description="The sentence to show the requester for a request received out of "
                        "working hours (in the request's language); empty otherwise.")
    known_problem: KnownProblemOut | None = Field(
        None, description="The active (or since resolved) mass incident this ticket is linked "
                          "to: a known problem the requester will be told about when it is "
                          "fixed; null otherwise.")


class TicketPage(Schema):
    items: list[TicketOut]
    next: str | None


class MessageOut(Schema):
    id: int
    kind: str
    body: str
    author: str | None
    author_kind: str
    created_at: datetime
    attachments: list[str]


class EventOut(Schema):
    id: int
    kind: str
    actor_kind: str
    actor: str | None
    old: Any
    new: Any
    data: dict[str, Any]
    created_at: datetime


class ServiceOut(Schema):
    code: str
    name: str
    number_prefix: str
    time_zone: str
    support_email: str
    support_phone: str


class ConsultationOut(Schema):
    id: int
    service: str
    channel: str
    caller_name: str
    contact_info: str
    topic: str
    notes: str
    duration_minutes: int | None
    outcome: str
    created_at: datetime
    ticket: str | None


class ErrorOut(Schema):
    code: str
    message: str
