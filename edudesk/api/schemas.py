"""Request and response shapes of API v1. Unknown fields are refused (422 naming the field)."""

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class RequesterIn(StrictSchema):
    email: str = ""
    full_name: str = ""
    phone: str = ""
    login: str = ""
    role: str = ""
    organisation: str = ""
    city: str = ""
    region: str = ""


class AttachmentIn(StrictSchema):
    """A screenshot sent inline: JPEG or PNG bytes, base64-encoded (judged by content)."""

    name: str = Field(..., max_length=255)
    content_base64: str = Field(..., max_length=15_000_000)


class TicketCreateIn(StrictSchema):
    service: str
    requester: RequesterIn | None = None
    subject: str = Field("", max_length=300)
    description: str = Field(..., max_length=100_000)
    category: str = ""
    priority: str = ""
    fields: dict[str, Any] = {}
    attachments: list[AttachmentIn] = []


class MessageIn(StrictSchema):
    body: str = Field(..., max_length=100_000)
    internal: bool = False
    attachments: list[AttachmentIn] = []


class TransitionIn(StrictSchema):
    to: str


class ConsultationIn(StrictSchema):
    service: str
    channel: str = "phone"
    caller_name: str = ""
    contact_info: str = ""
    topic: str = Field(..., min_length=1, max_length=300)
    notes: str = ""
    duration_minutes: int | None = Field(None, ge=0, le=24 * 60)
    outcome: str = ""


class ConsultationConvertIn(StrictSchema):
    requester: RequesterIn
    subject: str = ""
    description: str = ""
    category: str = ""
    priority: str = ""
    fields: dict[str, Any] = {}


class PersonOut(Schema):
    full_name: str
    email: str
    phone: str
    login: str


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
