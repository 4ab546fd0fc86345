"""The only functions that change tickets. Each is atomic and writes its events.

Views, the API, mail handlers and management commands call these and nothing else to
change a ticket; the rules of the seeds live here and in ``status.py``.
"""

import functools
import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.accounts.models import Contact, Organisation, Service, SupportGroup
from edudesk.core import bulk
from edudesk.tickets import policy, versions
from edudesk.tickets.errors import InvalidOperation, NotPermitted, StaleTicket, TransitionNotAllowed
from edudesk.tickets.events import EventKind, record
from edudesk.tickets.models import (
    Attachment,
    Channel,
    Consultation,
    Event,
    Message,
    Priority,
    SlaFlag,
    Ticket,
    TicketLink,
)
from edudesk.tickets.numbering import allocate_number
from edudesk.tickets.status import (
    CLOSED_STATUSES,
    CUSTOMER_REPLY_MOVES,
    ActorKind,
    Status,
    can_transition,
)
from edudesk.tickets.types import Actor, NewAttachment

_UNCHANGED = object()


# --- the step after every change ------------------------------------------------------------
# Reactions that must commit with a change (the SLA clocks) run once the change is complete,
# as an explicit step at the end of the outermost service function, in its transaction, in
# the order its events were written: never in the middle of a change, never re-entering it.

_after_change: list[Callable[[Event], None]] = []
_state = threading.local()


def run_after_change(step: Callable[[Event], None]) -> Callable[[Event], None]:
    """Register a step run for each event of every ticket change, once the change is done."""
    if step not in _after_change:
        _after_change.append(step)
    return step


# Steps that complete a new ticket before its row is written: what another app keeps on the
# ticket from its first moment (the SLA's due dates) goes into the one INSERT, rather than an
# UPDATE and an event right after it.
_before_insert: list[Callable[[Ticket, datetime], None]] = []


def prepare_new_tickets(step: Callable[[Ticket, datetime], None]) -> Callable[[Ticket, datetime], None]:
    """Register ``step(ticket, now)``, run on every new ticket before its INSERT (unsaved)."""
    if step not in _before_insert:
        _before_insert.append(step)
    return step


def prepare_new(ticket: Ticket, now: datetime) -> None:
    """Run those steps on a new, unsaved ticket (``open_ticket``; the bulk import, so that an
    imported ticket is written as one opened here)."""
    for step in _before_insert:
        step(ticket, now)


def _change(fn):
    """A service function: atomic; at the end of the outermost one, the after-change steps."""
    @functools.wraps(fn)
    def change(*args, **kwargs):
        pending = getattr(_state, "pending", None)
        outermost = pending is None
        if outermost:
            _state.pending = pending = []
        mark = len(pending)
        try:
            with transaction.atomic():
                result = fn(*args, **kwargs)
                if outermost:
                    _settle(pending)
            return result
        except BaseException:
            del pending[mark:]  # a failed inner change wrote nothing: nothing to react to
            raise
        finally:
            if outermost:
                _state.pending = None
    return change


def _settle(pending: list[Event]) -> None:
    done = 0
    while done < len(pending):  # the steps' own changes may add events (they are seen too)
        event = pending[done]
        done += 1
        for step in list(_after_change):
            step(event)


def _record(ticket: Ticket, kind: str, actor: Actor, **values) -> Event:
    event = record(ticket, kind, actor, **values)
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.append(event)
    else:  # a write outside any service function (record_sla from a sweep): react at once
        for step in list(_after_change):
            step(event)
    return event


# --- creation -------------------------------------------------------------------------------

@_change
def open_ticket(
    *,
    service: Service,
    requester: Contact,
    subject: str,
    description: str,
    channel: str,
    category: str = "",
    priority: str = Priority.NORMAL,
    fields: dict | None = None,
    organisation: Organisation | None = None,
    group: SupportGroup | None = None,
    actor: Actor | None = None,
    attachments: Sequence[NewAttachment] = (),
    consultation: Consultation | None = None,
    external_id: str = "",
    body_html: str = "",
    event_data: dict | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Register a request: allocate its number, keep its data, and record the first message.

    ``event_data`` is kept on the CREATED event for those who react to it (what the intake
    refused, the problems it found: the customer's notice tells of them).
    A customer asking for a priority above the service's ceiling gets the ceiling
    (``policy.priority_for_new``); the CREATED event keeps what was asked.
    """
    now = now or timezone.now()
    actor = actor or Actor.customer(requester)
    Channel(channel)
    requested = Priority(priority or Priority.NORMAL).value
    priority = policy.priority_for_new(service, requested, actor)
    if group is None:
        group = service.groups.filter(is_default=True).first()
    ticket = Ticket(
        number=allocate_number(service.number_prefix),
        service=service,
        organisation=organisation or requester.organisation,
        requester=requester,
        subject=subject.strip()[:300] or _("Без темы"),
        category=category,
        priority=priority,
        status=Status.REGISTERED,
        channel=channel,
        group=group,
        fields=fields or {},
        consultation=consultation,
        created_at=now,
        updated_at=now,
    )
    ticket.description = description  # kept as the opening message's text, below
    prepare_new(ticket, now)
    ticket.save(force_insert=True)
    message = Message.objects.create(
        ticket=ticket, opens=ticket, kind=Message.Kind.PUBLIC, author_contact=requester,
        body=description, body_html=body_html, channel=channel, external_id=external_id,
        created_at=now,
    )
    _store_attachments(ticket, message, attachments, now)
    _record(ticket, EventKind.CREATED, actor, now=now,
           new={"status": ticket.status, "priority": priority, "category": category,
                "channel": channel},
           data={**(event_data or {}), "message_id": message.pk,
                 **({"priority_requested": requested} if requested != priority else {})})
    return ticket


@_change
def log_consultation(*, service: Service, agent, contact: Contact | None = None,
                     **details) -> Consultation:
    """Record a phone call or messenger chat an agent handled (not yet an official request)."""
    if contact is not None and contact.service_id != service.pk:
        raise InvalidOperation(_("Этот заявитель относится к другому сервису."))
    channel = details.get("channel") or Consultation.ConsultationChannel.PHONE
    if channel not in Consultation.ConsultationChannel.values:
        raise InvalidOperation(_("Канал консультации: телефон или мессенджер."))
    return Consultation.objects.create(service=service, agent=agent, contact=contact, **details)


@_change
def convert_consultation(consultation: Consultation, *, actor: Actor, requester: Contact,
                         subject: str, description: str, category: str = "",
                         priority: str = Priority.NORMAL, fields: dict | None = None,
                         event_data: dict | None = None, now: datetime | None = None) -> Ticket:
    """Turn a phone or messenger consultation into an official request (seed 2)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if Ticket.objects.filter(consultation=consultation).exists():
        raise InvalidOperation(_("Эта консультация уже оформлена как обращение %(number)s.")
                               % {"number": consultation.ticket.number})
    if requester.service_id != consultation.service_id:
        raise InvalidOperation(_("Заявитель относится к другому сервису."))
    ticket = open_ticket(
        service=consultation.service, requester=requester, subject=subject,
        description=description, channel=consultation.channel, category=category,
        priority=priority, fields=fields, actor=actor, consultation=consultation,
        event_data=event_data, now=now,
    )
    if consultation.contact_id is None:
        consultation.contact = requester
        consultation.save(update_fields=["contact"])
    _record(ticket, EventKind.CONSULTATION_CONVERTED, actor, now=now,
           data={"consultation_id": consultation.pk})
    return ticket


def write_imported(tickets: list[Ticket], messages: list[Message], events: list[Event]) -> None:
    """Write tickets whose history was replayed from a previous help desk (``imports.history``:
    this module's rules, ``set_status`` and ``sla_change``, run in memory), in bulk, in the
    caller's transaction. No outbox entry: imported history mails and notifies nobody."""
    bulk.insert(Ticket, tickets)
    bulk.insert(Message, messages)
    bulk.insert(Event, events)


# --- conversation ---------------------------------------------------------------------------

@_change
def add_message(
    ticket: Ticket,
    *,
    actor: Actor,
    body: str,
    kind: str = Message.Kind.PUBLIC,
    body_html: str = "",
    attachments: Sequence[NewAttachment] = (),
    channel: str = "",
    external_id: str = "",
    event_data: dict | None = None,
    now: datetime | None = None,
    seen_version: int | None = None,
) -> Message:
    """Add a reply or note, applying the seed's automatic status moves.

    * only people the policy lets write to the ticket may (``policy.require``);
    * an agent's first action on a registered request marks it reviewed (in processing);
    * a customer's message answers a clarification request, or reopens an answered or
      recently solved request (``status.CUSTOMER_REPLY_MOVES``);
    * a customer writing into a duplicate that was merged writes into the original;
    * a customer writing into a cancelled or long-solved ticket opens a new ticket linked
      to it (``policy.customer_reply_route``): the returned message is that ticket's first.

    ``event_data`` is kept on the MESSAGE_ADDED event (e.g. the files the intake refused,
    ``repeat`` for a new request added to this open ticket it repeats: intake.repeats).
    ``seen_version``: the version the author had on screen (``tickets.versions``); every
    service function below takes it and refuses the change when the ticket moved on since.
    """
    now = now or timezone.now()
    ticket = _lock(ticket, seen_version)
    if actor.kind == ActorKind.CUSTOMER:
        ticket = _lock(policy.reply_target(ticket))
    if actor.kind == ActorKind.CUSTOMER and kind != Message.Kind.PUBLIC:
        raise InvalidOperation(_("Заявитель может оставлять только публичные сообщения."))
    policy.require(ticket, actor,
                   policy.Action.REPLY if kind == Message.Kind.PUBLIC else policy.Action.NOTE)
    if not body.strip() and not attachments:
        raise InvalidOperation(_("Сообщение пустое: напишите текст или приложите снимок экрана."))
    if (actor.kind == ActorKind.CUSTOMER
            and policy.customer_reply_route(ticket, now) == policy.ReplyRoute.NEW_LINKED):
        return _continue_in_new_ticket(ticket, actor=actor, body=body, body_html=body_html,
                                       attachments=attachments, channel=channel,
                                       external_id=external_id, event_data=event_data, now=now)
    _mark_reviewed(ticket, actor, now)
    message = Message.objects.create(
        ticket=ticket, kind=kind, body=body, body_html=body_html,
        author_user=actor.user if actor.kind == ActorKind.AGENT else None,
        author_contact=actor.contact if actor.kind == ActorKind.CUSTOMER else None,
        channel=channel, external_id=external_id, created_at=now,
    )
    stored = _store_attachments(ticket, message, attachments, now)
    _record(ticket, EventKind.MESSAGE_ADDED, actor, now=now,
           data={**(event_data or {}), "message_id": message.pk, "kind": kind,
                 "attachments": [a.ordinal for a in stored]})
    if actor.kind == ActorKind.CUSTOMER:
        follow_up = CUSTOMER_REPLY_MOVES.get(ticket.status)
        if follow_up:
            _apply_transition(ticket, follow_up, actor, now)
    _touch(ticket, now)
    return message


def _continue_in_new_ticket(closed: Ticket, *, actor: Actor, body: str, body_html: str,
                            attachments: Sequence[NewAttachment], channel: str, external_id: str,
                            event_data: dict | None, now: datetime) -> Message:
    """A reply to a cancelled or long-closed ticket: a new ticket with the same data, linked."""
    new_ticket = open_ticket(
        service=closed.service, requester=actor.contact, organisation=closed.organisation,
        subject=closed.subject, description=body, channel=channel or closed.channel,
        category=closed.category, fields=dict(closed.fields), actor=actor,
        attachments=attachments, external_id=external_id, body_html=body_html,
        event_data={**(event_data or {}), "continues": closed.number}, now=now,
    )
    link(closed, new_ticket, actor=Actor.system(), now=now)
    return new_ticket.messages.get()


@_change
def request_clarification(ticket: Ticket, *, actor: Actor, body: str,
                          missing: Iterable[str] = (), attachments: Sequence[NewAttachment] = (),
                          channel: str = "", now: datetime | None = None,
                          seen_version: int | None = None) -> Message:
    """Ask the customer for what is missing: a public message and «требуется уточнение».

    Screenshots the agent shows with the question belong to that one message (one mail).
    """
    now = now or timezone.now()
    ticket = _lock(ticket, seen_version)
    _mark_reviewed(ticket, actor, now)
    _check_transition(ticket, Status.NEEDS_CLARIFICATION, actor)
    message = add_message(ticket, actor=actor, body=body, attachments=attachments,
                          channel=channel, now=now)
    ticket.refresh_from_db()
    _record(ticket, EventKind.CLARIFICATION_REQUESTED, actor, now=now,
           data={"message_id": message.pk, "missing": list(missing)})
    _apply_transition(ticket, Status.NEEDS_CLARIFICATION, actor, now)
    _touch(ticket, now)
    return message


# --- state ----------------------------------------------------------------------------------

@_change
def transition(ticket: Ticket, to: str, *, actor: Actor, now: datetime | None = None,
               seen_version: int | None = None, reason: str = "", comment: str = "") -> Ticket:
    """Move a ticket to another status, if the table allows this actor that move.

    Closing (cancelled, resolved) may give a ``reason`` (``policy.CLOSE_REASONS``) and a
    ``comment`` in the person's own words: kept on the event, shown to the customer. A person
    cancelling must give one (``policy.REASON_REQUIRED``).
    """
    now = now or timezone.now()
    ticket = _lock(ticket, seen_version)
    target = Status(to)
    policy.require(ticket, actor, policy.Action.CHANGE_STATUS)
    comment = comment.strip()
    if not (ticket.status == Status.REGISTERED and target == Status.IN_PROCESSING):
        _mark_reviewed(ticket, actor, now)
    _check_transition(ticket, target, actor)
    if target in CLOSED_STATUSES:  # a refusal rolls the review back with the rest
        policy.check_close_reason(target, reason, comment, actor)
    given = {"reason": reason, "comment": comment} if target in CLOSED_STATUSES else {}
    _apply_transition(ticket, target, actor, now, data={k: v for k, v in given.items() if v} or None)
    _touch(ticket, now)
    return ticket


@_change
def undo_close(ticket: Ticket, *, actor: Actor, now: datetime | None = None) -> Ticket:
    """Undo one's own cancelling or closing within ``policy.undo_window()``: the status it had
    comes back (the SLA app restores the clocks the closing stopped, ``data["undoes"]``) and the
    customer's mail about the closing, still held, is withdrawn."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    closing = policy.undoable_close(ticket, actor, now)
    if closing is None:
        raise InvalidOperation(_("Вернуть обращение %(number)s уже нельзя: прошло больше "
                                 "%(minutes)s минут или его изменили после закрытия.")
                               % {"number": ticket.number,
                                  "minutes": int(policy.undo_window().total_seconds() // 60)})
    closed, restored = ticket.status, Status(closing.old["status"])
    ticket.status, ticket.closed_at = restored, None
    ticket.save(update_fields=["status", "closed_at"])
    _record(ticket, EventKind.STATUS_CHANGED, actor, old={"status": closed},
            new={"status": str(restored)}, data={"undoes": closing.pk}, now=now)
    _touch(ticket, now)
    return ticket


@_change
def assign(ticket: Ticket, *, actor: Actor, assignee=_UNCHANGED, group=_UNCHANGED,
           now: datetime | None = None, seen_version: int | None = None) -> Ticket:
    """Give the ticket to an agent and/or a support line (None clears)."""
    now = now or timezone.now()
    ticket = _lock(ticket, seen_version)
    policy.require(ticket, actor, policy.Action.MANAGE)
    old = {"assignee": ticket.assignee_id, "group": ticket.group_id}
    new = dict(old)
    if assignee is not _UNCHANGED:
        if assignee is not None and not _serves(assignee, ticket.service_id):
            raise InvalidOperation(_("Специалист %(name)s не работает с сервисом «%(service)s».")
                                   % {"name": assignee, "service": ticket.service})
        new["assignee"] = assignee.pk if assignee else None
    if group is not _UNCHANGED:
        if group is not None and group.service_id != ticket.service_id:
            raise InvalidOperation(_("Линия поддержки относится к другому сервису."))
        new["group"] = group.pk if group else None
    if new == old:
        return ticket
    # The automatic review is its own change, recorded first: its event must see the ticket
    # as it was, not half-assigned (the reports count it on the line it was then in).
    _mark_reviewed(ticket, actor, now)
    if assignee is not _UNCHANGED:
        ticket.assignee = assignee
    if group is not _UNCHANGED:
        ticket.group = group
    ticket.save(update_fields=["assignee", "group"])
    _record(ticket, EventKind.ASSIGNED, actor, old=old, new=new, now=now)
    _touch(ticket, now)
    return ticket


@_change
def set_priority(ticket: Ticket, priority: str, *, actor: Actor,
                 now: datetime | None = None, seen_version: int | None = None) -> Ticket:
    priority = Priority(priority).value
    if not policy.priority_allowed(ticket.service, priority, actor):
        raise NotPermitted(_("Заявитель может выбрать приоритет не выше «%(ceiling)s».") % {
            "ceiling": Priority(policy.customer_priority_ceiling(ticket.service)).label})
    return _set_field(ticket, "priority", priority, EventKind.PRIORITY_CHANGED, actor, now,
                      action=policy.Action.SET_PRIORITY, seen_version=seen_version)


@_change
def set_category(ticket: Ticket, category: str, *, actor: Actor,
                 now: datetime | None = None, seen_version: int | None = None) -> Ticket:
    return _set_field(ticket, "category", category, EventKind.CATEGORY_CHANGED, actor, now,
                      action=policy.Action.MANAGE, seen_version=seen_version)


@_change
def update_fields(ticket: Ticket, changes: dict, *, actor: Actor,
                  now: datetime | None = None) -> Ticket:
    """Add or correct intake data (e.g. the browser version the customer sent later)."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    policy.require(ticket, actor, policy.Action.REPLY if actor.kind == ActorKind.CUSTOMER
                   else policy.Action.MANAGE)
    old = {key: ticket.fields.get(key) for key in changes}
    if old == changes:
        return ticket
    ticket.fields = {**ticket.fields, **changes}
    ticket.save(update_fields=["fields"])
    _record(ticket, EventKind.FIELDS_UPDATED, actor, old=old, new=changes, now=now)
    _touch(ticket, now)
    return ticket


@transaction.atomic(savepoint=False)  # called inside the change (or sweep) it belongs to
def record_sla(ticket: Ticket, *, review_due_at=_UNCHANGED, due_at=_UNCHANGED,
               flag=_UNCHANGED, now: datetime | None = None, current: bool = False) -> Ticket:
    """Keep the SLA app's due dates and flag on the ticket, for queues and the customer.

    `current`: the caller's instance is this transaction's own row, already locked and up to
    date (the ticket being opened): it is changed in place instead of being read again.
    """
    if not current:
        ticket = _lock(ticket)
    change = sla_change(ticket, review_due_at=review_due_at, due_at=due_at, flag=flag)
    if change is None:
        return ticket
    ticket.save(update_fields=["review_due_at", "due_at", "sla_flag"])
    kind, old, new = change
    _record(ticket, kind, Actor.system(), old=old, new=new, now=now)
    return ticket


def sla_change(ticket: Ticket, *, review_due_at=_UNCHANGED, due_at=_UNCHANGED,
               flag=_UNCHANGED) -> tuple[EventKind, dict, dict] | None:
    """Set the SLA columns on the instance; the event that tells of it (kind, old, new), or
    None when nothing changed. (``record_sla`` saves and records it; the bulk import keeps it.)"""
    old = {"review_due_at": ticket.review_due_at, "due_at": ticket.due_at, "flag": ticket.sla_flag}
    if review_due_at is not _UNCHANGED:
        ticket.review_due_at = review_due_at
    if due_at is not _UNCHANGED:
        ticket.due_at = due_at
    if flag is not _UNCHANGED:
        ticket.sla_flag = SlaFlag(flag).value
    new = {"review_due_at": ticket.review_due_at, "due_at": ticket.due_at, "flag": ticket.sla_flag}
    if new == old:
        return None
    kind = EventKind.SLA_FLAGGED if old["flag"] != new["flag"] else EventKind.DUE_RECORDED
    return kind, _jsonable(old), _jsonable(new)


@_change
def auto_close_answered(*, service: Service, answered_before: datetime,
                        now: datetime | None = None, limit: int = 500) -> list[str]:
    """Close answered tickets whose customer has not replied since `answered_before`.

    The caller computes the cut-off in working days on the service's calendar.
    Returns the numbers closed.
    """
    now = now or timezone.now()
    candidates = (Ticket.objects.select_for_update(skip_locked=True)
                  .filter(service=service, status=Status.ANSWERED, answered_at__lt=answered_before)
                  .order_by("answered_at")[:limit])
    closed = []
    for ticket in candidates:
        _apply_transition(ticket, Status.RESOLVED, Actor.system(), now,
                          data={"reason": "no_customer_reply"})
        _touch(ticket, now)
        closed.append(ticket.number)
    return closed


# --- merge, split, link ---------------------------------------------------------------------

@_change
def merge(duplicate: Ticket, into: Ticket, *, actor: Actor, now: datetime | None = None,
          seen_version: int | None = None, seen_into_version: int | None = None) -> Ticket:
    """Merge a duplicate into the original: its messages move, it closes with a link.

    Only one requester's tickets merge (``policy.merge_refusal``); ``seen_version`` and
    ``seen_into_version`` are the versions of both the agent confirmed.
    """
    now = now or timezone.now()
    if duplicate.pk == into.pk:
        raise InvalidOperation(_("Нельзя объединить обращение с самим собой."))
    first, second = sorted([duplicate.pk, into.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().select_related("service")
              .filter(pk__in=[first, second])}
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    policy.require(duplicate, actor, policy.Action.MANAGE)
    policy.require(into, actor, policy.Action.MANAGE)
    _check_seen(duplicate, seen_version)
    _check_seen(into, seen_into_version)
    refusal = policy.merge_refusal(duplicate, into)
    if refusal:
        raise InvalidOperation(refusal)
    _mark_reviewed(duplicate, actor, now)
    next_ordinal = _next_ordinal(into)
    for attachment in duplicate.attachments.order_by("ordinal"):
        attachment.ticket = into
        attachment.ordinal = next_ordinal
        attachment.save(update_fields=["ticket", "ordinal"])
        next_ordinal += 1
    moved = duplicate.messages.update(ticket=into)
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into"])
    Message.objects.create(
        ticket=duplicate, kind=Message.Kind.SYSTEM, created_at=now,
        body=_("Обращение объединено с обращением %(number)s. Следите за решением в нём.")
        % {"number": into.number},
    )
    Message.objects.create(
        ticket=into, kind=Message.Kind.SYSTEM, created_at=now,
        body=_("К обращению присоединено повторное обращение %(number)s.")
        % {"number": duplicate.number},
    )
    _record(duplicate, EventKind.MERGED_INTO, actor, now=now,
           new={"ticket": into.number}, data={"messages_moved": moved})
    _record(into, EventKind.MERGED_FROM, actor, now=now, new={"ticket": duplicate.number})
    _apply_transition(duplicate, Status.CANCELLED, Actor.system(), now,
                      data={"reason": "merged", "into": into.number})
    _touch(duplicate, now)
    _touch(into, now)
    return into


@_change
def split(ticket: Ticket, *, actor: Actor, text: str, subject: str = "",
          message: Message | None = None, now: datetime | None = None,
          seen_version: int | None = None) -> Ticket:
    """Make a new ticket of one problem found in another (one ticket, one problem).

    When a whole message is split off, its screenshots go with it.
    """
    now = now or timezone.now()
    ticket = _lock(ticket, seen_version)
    policy.require(ticket, actor, policy.Action.MANAGE)
    if not text.strip():
        raise InvalidOperation(_("Укажите текст, который нужно выделить в отдельное обращение."))
    if message is not None and message.ticket_id != ticket.pk:
        raise InvalidOperation(_("Сообщение относится к другому обращению."))
    _mark_reviewed(ticket, actor, now)
    new_ticket = open_ticket(
        service=ticket.service, requester=ticket.requester, organisation=ticket.organisation,
        subject=subject or ticket.subject, description=text, channel=ticket.channel,
        category=ticket.category, priority=ticket.priority, fields=dict(ticket.fields),
        group=ticket.group, actor=actor, now=now,
    )
    if message is not None and message.body.strip() == text.strip():
        first_message = new_ticket.messages.get()
        ordinal = _next_ordinal(new_ticket)
        for attachment in message.attachments.order_by("ordinal"):
            attachment.ticket, attachment.message = new_ticket, first_message
            attachment.ordinal = ordinal
            attachment.save(update_fields=["ticket", "message", "ordinal"])
            ordinal += 1
    TicketLink.objects.get_or_create(source=ticket, target=new_ticket)
    _record(ticket, EventKind.SPLIT_INTO, actor, now=now, new={"ticket": new_ticket.number})
    _record(new_ticket, EventKind.SPLIT_FROM, actor, now=now, new={"ticket": ticket.number})
    _touch(ticket, now)
    return new_ticket


@_change
def link(ticket: Ticket, other: Ticket, *, actor: Actor, now: datetime | None = None,
         seen_version: int | None = None) -> None:
    if ticket.pk == other.pk:
        raise InvalidOperation(_("Нельзя связать обращение с самим собой."))
    if ticket.service_id != other.service_id:
        raise InvalidOperation(_("Связывать можно только обращения одного сервиса."))
    if seen_version is not None:
        ticket = _lock(ticket, seen_version)
    policy.require(ticket, actor, policy.Action.LINK)
    policy.require(other, actor, policy.Action.LINK)
    created = TicketLink.objects.get_or_create(source=ticket, target=other)[1]
    if created:
        _record(ticket, EventKind.LINKED, actor, now=now, new={"ticket": other.number})
        _record(other, EventKind.LINKED, actor, now=now, new={"ticket": ticket.number})


# --- mass incidents (the incident's own rows: incidents.services) --------------------------

@_change
def join_incident(ticket: Ticket, *, incident: dict, actor: Actor, at_intake: bool = False,
                  now: datetime | None = None) -> Ticket:
    """Record that a mass incident covers this ticket, and tell the timeline.

    ``incident``: ``{"id", "label", "title", "sla"}``. A new request the intake linked is
    reviewed by that (the known problem is its answer for now); ``sla == "pause"`` pauses its
    clocks (``sla.clocks``) until the incident is resolved.
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    policy.require(ticket, actor, policy.Action.MANAGE)
    if actor.kind == ActorKind.SYSTEM and ticket.status == Status.REGISTERED:
        _apply_transition(ticket, Status.IN_PROCESSING, actor, now,
                          data={"automatic": True, "incident": incident["id"]})
    else:
        _mark_reviewed(ticket, actor, now)
    notice = Message.objects.create(
        ticket=ticket, kind=Message.Kind.SYSTEM, created_at=now,
        body=_("Обращение связано с известной проблемой %(label)s «%(title)s». Мы сообщим, "
               "когда она будет устранена.") % {"label": incident["label"], "title": incident["title"]})
    _record(ticket, EventKind.INCIDENT_LINKED, actor, now=now, new={"incident": incident["id"]},
            data={**incident, "at_intake": at_intake, "message_id": notice.pk})
    _touch(ticket, now)
    return ticket


@_change
def leave_incident(ticket: Ticket, *, incident: dict, actor: Actor, now: datetime | None = None) -> Ticket:
    """An agent found the ticket is not the incident's problem: it goes on on its own (its clocks
    resume, ``sla.clocks``)."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    policy.require(ticket, actor, policy.Action.MANAGE)
    notice = Message.objects.create(
        ticket=ticket, kind=Message.Kind.SYSTEM, created_at=now,
        body=_("Обращение больше не связано с проблемой %(label)s «%(title)s»: оно решается "
               "отдельно.") % {"label": incident["label"], "title": incident["title"]})
    _record(ticket, EventKind.INCIDENT_UNLINKED, actor, now=now,
            old={"incident": incident["id"]}, data={**incident, "message_id": notice.pk})
    _touch(ticket, now)
    return ticket


@_change
def resolve_with_incident(ticket: Ticket, *, actor: Actor, body: str, incident_id: int,
                          now: datetime | None = None) -> Ticket:
    """The incident covering an open ticket is resolved: its closing text, then «Вопрос решён»
    (one mail: the resolution's, which quotes the text)."""
    now = now or timezone.now()
    message = add_message(ticket, actor=actor, body=body, now=now,
                          event_data={"incident": incident_id, "closing": True})
    ticket = _lock(ticket)
    _apply_transition(ticket, Status.RESOLVED, actor, now,
                      data={"reason": "incident", "incident": incident_id, "message_id": message.pk})
    _touch(ticket, now)
    return ticket


# --- internals ------------------------------------------------------------------------------

def _lock(ticket: Ticket, seen_version: int | None = None) -> Ticket:
    """The ticket's row, locked for this change; refused (StaleTicket) when the change was made
    from a version older than the ticket's current one."""
    locked = Ticket.objects.select_for_update().select_related("service").get(pk=ticket.pk)
    _check_seen(locked, seen_version)
    return locked


def _check_seen(ticket: Ticket, seen_version: int | None) -> None:
    if seen_version is None:
        return
    current = versions.current_version(ticket)
    if current > seen_version:
        raise StaleTicket.build(ticket, seen_version, current)


def _touch(ticket: Ticket, now: datetime) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    ticket.updated_at = now


def _serves(user, service_id: int) -> bool:
    return service_id in user.served_service_ids()


def _check_transition(ticket: Ticket, target: Status, actor: Actor) -> None:
    if not can_transition(ticket.status, target, actor.kind):
        raise TransitionNotAllowed.build(ticket, target, actor.kind)


def _mark_reviewed(ticket: Ticket, actor: Actor, now: datetime) -> None:
    """An agent's first action on a registered request moves it to «в обработке»."""
    if actor.kind == ActorKind.AGENT and ticket.status == Status.REGISTERED:
        _apply_transition(ticket, Status.IN_PROCESSING, actor, now, data={"automatic": True})


def _apply_transition(ticket: Ticket, target: Status, actor: Actor, now: datetime,
                      data: dict | None = None) -> None:
    old = ticket.status
    if not can_transition(old, target, actor.kind):
        raise TransitionNotAllowed.build(ticket, target, actor.kind)
    ticket.save(update_fields=set_status(ticket, target, actor.kind, now))
    _record(ticket, EventKind.STATUS_CHANGED, actor, old={"status": old},
           new={"status": str(target)}, data=data, now=now)


def set_status(ticket: Ticket, target: Status, actor_kind: ActorKind, now: datetime) -> list[str]:
    """Set the status on the instance with the moments it marks (an agent's first action
    reviews, an answer, a closing or a reopening); returns the columns changed. The caller has
    checked the move (``can_transition``)."""
    ticket.status = target
    update = ["status"]
    if actor_kind == ActorKind.AGENT and ticket.reviewed_at is None:
        ticket.reviewed_at = now
        update.append("reviewed_at")
    if target == Status.ANSWERED:
        ticket.answered_at = now
        update.append("answered_at")
    if target in CLOSED_STATUSES:
        ticket.closed_at = now
        update.append("closed_at")
    elif ticket.closed_at is not None:
        ticket.closed_at = None
        update.append("closed_at")
    return update


def _set_field(ticket: Ticket, field: str, value: str, kind: EventKind, actor: Actor,
               now: datetime | None, *, action: policy.Action,
               seen_version: int | None = None) -> Ticket:
    now = now or timezone.now()
    ticket = _lock(ticket, seen_version)
    policy.require(ticket, actor, action)
    old = getattr(ticket, field)
    if old == value:
        return ticket
    _mark_reviewed(ticket, actor, now)
    setattr(ticket, field, value)
    ticket.save(update_fields=[field])
    _record(ticket, kind, actor, old={field: old}, new={field: value}, now=now)
    _touch(ticket, now)
    return ticket


def _next_ordinal(ticket: Ticket) -> int:
    return (ticket.attachments.aggregate(m=Max("ordinal"))["m"] or 0) + 1


def _store_attachments(ticket: Ticket, message: Message, attachments: Sequence[NewAttachment],
                       now: datetime) -> list[Attachment]:
    if not attachments:
        return []
    stored = []
    for upload, ordinal in zip(attachments, _ordinals(ticket, attachments), strict=True):
        attachment = Attachment(
            ticket=ticket, message=message, ordinal=ordinal, original_name=upload.original_name,
            content_type=upload.content_type, size=len(upload.content), width=upload.width,
            height=upload.height, created_at=now,
            sha256=upload.sha256 or hashlib.sha256(upload.content).hexdigest(),
        )
        attachment.file.save(upload.name, ContentFile(upload.content), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


# A file the customer named the seed's way («картинка1.png», «Картинка 2.jpg»).
_PICTURE_NAMED = re.compile(r"^\s*картинка\s*(\d{1,4})\s*(\.\w{1,5})?\s*$", re.IGNORECASE)


def _ordinals(ticket: Ticket, attachments: Sequence[NewAttachment]) -> list[int]:
    """Each new picture's number in the ticket: the customer's own «картинкаN» when that number
    is free and among this message's (so the text's references stay true); the other pictures
    take the free numbers after the ticket's earlier ones, in order."""
    earlier = set(ticket.attachments.values_list("ordinal", flat=True))
    first, last = max(earlier, default=0) + 1, max(earlier, default=0) + len(attachments)
    claimed: list[int | None] = []
    for upload in attachments:
        named = _PICTURE_NAMED.match(upload.original_name or "")
        wanted = int(named.group(1)) if named else 0
        free = first <= wanted <= last and wanted not in claimed
        claimed.append(wanted if free else None)
    spare = iter(n for n in range(first, last + 1) if n not in claimed)
    return [ordinal if ordinal is not None else next(spare) for ordinal in claimed]


def _jsonable(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
