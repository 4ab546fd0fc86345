"""API v1: tickets, their messages, transitions and events."""

import base64
import binascii
from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from edudesk.api import access
from edudesk.api.errors import ApiError
from edudesk.api.schemas import (
    BIGINT_MAX,
    EventOut,
    MessageIn,
    MessageOut,
    TicketCreateIn,
    TicketNumber,
    TicketOut,
    TicketPage,
    TransitionIn,
)
from edudesk.api.serializers import event_out, message_out, ticket_out, with_relations
from edudesk.intake import repeats
from edudesk.intake import requester as requesters
from edudesk.intake.pipeline import submit
from edudesk.intake.submission import IncomingFile, RequesterData, Submission
from edudesk.tickets import services
from edudesk.tickets.models import Channel, Message
from edudesk.tickets.status import Status as TicketStatus

router = Router(tags=["tickets"])

MAX_PAGE = 200


class TicketFilters(Schema):
    service: str | None = Field(None, max_length=40)
    status: str | None = Field(None, max_length=40)
    priority: str | None = Field(None, max_length=20)
    assignee: str | None = Field(None, max_length=150)
    organisation: int | None = Field(None, ge=1, le=BIGINT_MAX)
    updated_since: datetime | None = None
    cursor: str | None = Field(None, max_length=100)
    limit: int = Field(50, ge=1, le=BIGINT_MAX, description=f"at most {MAX_PAGE} are returned")


@router.post("/tickets", response={201: TicketOut, 200: TicketOut})
def create_ticket(request, payload: TicketCreateIn):
    """Register a request (201). A customer's request that repeats one of their open tickets
    is added to that ticket as a follow-up instead (200, that ticket); send
    ``"repeat": "new"`` to register a new ticket anyway."""
    service = access.service_for(request, payload.service)
    if access.is_agent(request):
        if payload.requester is None:
            raise ApiError(422, "validation_error", _("Укажите заявителя (requester)."))
        requester = RequesterData(**payload.requester.dict())
    else:
        requester = requesters.from_contact(request.auth.contact)
    outcome = submit(Submission(
        service=service, channel=Channel.API, requester=requester, subject=payload.subject,
        description=payload.description, category=payload.category, priority=payload.priority,
        fields=payload.fields, meta={"user_agent": request.headers.get("User-Agent", ""),
                                     repeats.FORCE_NEW: payload.repeat == "new"},
        files=incoming_files(payload.attachments),
        actor=access.actor_of(request) if access.is_agent(request) else None,
    ))
    _refuse_unless_ok(outcome)
    # The ticket in hand is current (the SLA app keeps its due dates on this very instance)
    # and carries its service, requester, organisation and group: no need to read it again.
    return Status(200 if outcome.repeat_of else 201, ticket_out(outcome.ticket))


def incoming_files(attachments) -> list[IncomingFile]:
    """Decode inline attachments; bad base64 is refused before anything is stored."""
    files = []
    for index, item in enumerate(attachments):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "validation_error",
                           _("Вложение «%(name)s» не в кодировке base64.") % {"name": item.name},
                           errors={f"attachments.{index}.content_base64": ["base64"]}) from None
        files.append(IncomingFile(name=item.name, content=content))
    return files


def _refuse_unless_ok(outcome) -> None:
    if not outcome.ok:
        raise ApiError(422, "validation_error", _("Обращение не принято: проверьте данные."),
                       errors=outcome.errors, refused_files=outcome.refused_files)


@router.get("/tickets", response=TicketPage)
def list_tickets(request, filters: Query[TicketFilters]):
    tickets = access.visible_tickets(request)
    if filters.service:
        tickets = tickets.filter(service__code=filters.service)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.assignee:
        tickets = tickets.filter(assignee__username=filters.assignee)
    if filters.organisation:
        tickets = tickets.filter(organisation_id=filters.organisation)
    if filters.updated_since:
        tickets = tickets.filter(updated_at__gte=filters.updated_since)
    if filters.cursor:
        tickets = tickets.filter(id__lt=access.decode_cursor(filters.cursor))
    limit = max(1, min(filters.limit, MAX_PAGE))
    page = list(tickets.order_by("-id")[: limit + 1])
    more = len(page) > limit
    page = with_relations(page[:limit])
    return {"items": [ticket_out(t) for t in page],
            "next": access.encode_cursor(page[-1].pk) if more else None}


@router.get("/tickets/{number}", response=TicketOut)
def get_ticket(request, number: TicketNumber):
    return ticket_out(access.shown_ticket(request, number))


@router.get("/tickets/{number}/messages", response=list[MessageOut])
def list_messages(request, number: TicketNumber):
    ticket = access.get_ticket(request, number)
    messages = ticket.messages.select_related("author_user", "author_contact").prefetch_related(
        "attachments")
    if not access.is_agent(request):
        messages = messages.exclude(kind=Message.Kind.INTERNAL)
    return [message_out(m) for m in messages]


@router.post("/tickets/{number}/messages", response={201: MessageOut})
def add_message(request, number: TicketNumber, payload: MessageIn):
    ticket = access.get_ticket(request, number)
    if payload.internal:
        access.require_agent(request)
    outcome = submit(Submission(
        service=ticket.service, channel=Channel.API, requester=RequesterData(),
        description=payload.body, files=incoming_files(payload.attachments), ticket=ticket,
        actor=access.actor_of(request), internal=payload.internal,
        then_status=payload.status, asked=list(payload.missing),
    ))
    _refuse_unless_ok(outcome)
    return Status(201, message_out(outcome.message))


@router.post("/tickets/{number}/transitions", response={200: TicketOut})
def make_transition(request, number: TicketNumber, payload: TransitionIn):
    """Move the ticket to another status, if the status table allows the caller that move.
    Cancelling needs a ``reason`` (422 ``reason_required``); a closing's reason is shown to
    the customer and can be undone for EDUDESK_UNDO_MINUTES (``/transitions/undo``)."""
    ticket = access.get_ticket(request, number)
    if payload.to not in TicketStatus.values:
        raise ApiError(422, "unknown_status", _("Неизвестный статус «%(to)s».") % {"to": payload.to},
                       allowed=list(TicketStatus.values))
    services.transition(ticket, payload.to, actor=access.actor_of(request),
                        reason=payload.reason, comment=payload.comment)
    return ticket_out(access.shown_ticket(request, number))


@router.post("/tickets/{number}/transitions/undo", response={200: TicketOut})
def undo_closing(request, number: TicketNumber):
    """Undo the caller's own cancelling or closing within EDUDESK_UNDO_MINUTES, if nothing
    changed since: the status and the SLA clocks come back, and the customer's mail about the
    closing, still held, is not sent. Too late or changed since: 409 (`invalid_operation`)."""
    ticket = access.get_ticket(request, number)
    services.undo_close(ticket, actor=access.actor_of(request))
    return ticket_out(access.shown_ticket(request, number))


@router.get("/tickets/{number}/events", response=list[EventOut])
def list_events(request, number: TicketNumber):
    ticket = access.get_ticket(request, number)
    events = ticket.events.select_related("actor_user", "actor_contact").order_by("id")
    if not access.is_agent(request):
        events = events.exclude(kind="message_added", data__kind=Message.Kind.INTERNAL)
    return [event_out(e) for e in events]
