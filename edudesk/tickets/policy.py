"""Who may do what to which ticket, and what a closed ticket accepts: the one place.

``tickets.services`` asks these questions inside every change, whoever calls it (portal,
widget, API, mail, desk, commands), so no caller keeps a rule of its own.

People and their relation to a ticket:

* the requester (the contact the ticket belongs to): reads it, writes to it, confirms,
  cancels or reopens it, and may set its priority up to what the service allows customers;
* an organisation's administrator, where the service lets them see the organisation's
  tickets: reads a colleague's ticket and adds information to it, but does not change its
  state (only the requester confirms, cancels or reopens);
* a participant (anyone else who already wrote in the ticket, or whose mail an agent let in):
  adds information to it;
* a colleague or anyone else: nothing (the ticket is not even shown);
* an agent who serves the ticket's service: everything the status table allows;
* the system (mail intake, SLA sweeps, automatic closing): what the status table allows.

A customer's reply to a ticket that is no longer open:

* answered or resolved within the reopen window (``EDUDESK_REOPEN_DAYS`` after closing):
  the reply is added and the ticket reopens («Обращение в работе»);
* resolved longer ago, or cancelled: the reply becomes a new ticket linked to the old one
  (its registration tells the sender the new number); the old one stays closed;
* merged into another ticket: the reply goes to that ticket, and the same rule applies there.

Closing (cancelling, or confirming «Вопрос решён»): the person closing gives a reason (one of
``CLOSE_REASONS`` or their own words), shown to the customer in the portal and in the mail; a
person who cancels must give one (``REASON_REQUIRED``: the customer is told why); for
``EDUDESK_UNDO_MINUTES`` after, the same person may undo it (``undoable_close``): the status and
the SLA clocks come back as they were, and the customer's mail about the closing, held for that
time, is withdrawn instead of sent.

Merging (``merge_refusal``): a merge moves one ticket's messages and screenshots into another
and tells the duplicate's requester to follow the other ticket. That is right only when both
are the same person's: otherwise one requester would read another's messages, screenshots and
contact data, and be sent a number they cannot open. Tickets of different requesters about the
same problem are linked instead (each keeps their own ticket; see the mass-incident tools).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudesk.tickets.errors import InvalidOperation, NotPermitted, ReasonRequired
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Priority, Ticket
from edudesk.tickets.status import CLOSED_STATUSES, ActorKind, Status
from edudesk.tickets.types import Actor


class Relation(StrEnum):
    REQUESTER = "requester"
    ORG_ADMIN = "org_admin"
    PARTICIPANT = "participant"
    OUTSIDER = "outsider"  # a colleague without rights, another customer, another service's agent
    AGENT = "agent"
    SYSTEM = "system"


class Action(StrEnum):
    VIEW = "view"
    REPLY = "reply"  # a public message
    NOTE = "note"  # an internal note
    CHANGE_STATUS = "change_status"
    SET_PRIORITY = "set_priority"
    LINK = "link"  # relate two tickets (a customer links the parts of a request they split)
    MANAGE = "manage"  # assign, category, fields, merge, split


PERMISSIONS: dict[Relation, frozenset[Action]] = {
    Relation.REQUESTER: frozenset({Action.VIEW, Action.REPLY, Action.CHANGE_STATUS,
                                   Action.SET_PRIORITY, Action.LINK}),
    Relation.ORG_ADMIN: frozenset({Action.VIEW, Action.REPLY}),
    Relation.PARTICIPANT: frozenset({Action.REPLY}),
    Relation.OUTSIDER: frozenset(),
    Relation.AGENT: frozenset(Action),
    Relation.SYSTEM: frozenset(Action),
}

# Customer priorities, lowest first: a customer may choose up to the service's ceiling.
PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.CRITICAL]


def relation(ticket: Ticket, actor: Actor) -> Relation:
    if actor.kind == ActorKind.SYSTEM:
        return Relation.SYSTEM
    if actor.kind == ActorKind.AGENT:
        serves = actor.user is not None and ticket.service_id in actor.user.served_service_ids()
        return Relation.AGENT if serves else Relation.OUTSIDER
    contact = actor.contact
    if contact is None or contact.service_id != ticket.service_id:
        return Relation.OUTSIDER
    if contact.pk == ticket.requester_id:
        return Relation.REQUESTER
    if (contact.is_org_admin and contact.organisation_id
            and contact.organisation_id == ticket.organisation_id
            and ticket.service.org_admins_see_org_tickets):
        return Relation.ORG_ADMIN
    if actor.admitted or ticket.messages.filter(author_contact=contact).exists():
        return Relation.PARTICIPANT
    return Relation.OUTSIDER


def may(ticket: Ticket, actor: Actor, action: Action) -> bool:
    return action in PERMISSIONS[relation(ticket, actor)]


def require(ticket: Ticket, actor: Actor, action: Action) -> None:
    """Refuse (NotPermitted) unless the actor may take this action on this ticket."""
    if may(ticket, actor, action):
        return
    if may(ticket, actor, Action.VIEW) and action in (Action.CHANGE_STATUS, Action.SET_PRIORITY):
        raise NotPermitted(_("Изменить статус или приоритет обращения %(number)s может только "
                             "его заявитель.") % {"number": ticket.number}, action=str(action))
    if may(ticket, actor, Action.VIEW):
        raise NotPermitted(_("Это действие с обращением %(number)s доступно только техподдержке.")
                           % {"number": ticket.number}, action=str(action))
    raise NotPermitted(_("Обращение %(number)s вам недоступно.") % {"number": ticket.number},
                       action=str(action))


# --- priorities -------------------------------------------------------------------------------

def customer_priority_ceiling(service) -> str:
    return service.customer_max_priority or Priority.NORMAL


def priority_allowed(service, priority: str, actor: Actor) -> bool:
    """Agents and the system set any priority; customers up to the service's ceiling."""
    if actor.kind != ActorKind.CUSTOMER:
        return True
    ceiling = customer_priority_ceiling(service)
    return PRIORITY_ORDER.index(Priority(priority)) <= PRIORITY_ORDER.index(Priority(ceiling))


def priority_for_new(service, requested: str, actor: Actor) -> str:
    """The priority a new request gets: a customer asking above the ceiling gets the ceiling."""
    requested = requested or Priority.NORMAL
    if priority_allowed(service, requested, actor):
        return requested
    return customer_priority_ceiling(service)


# --- replies to tickets that are no longer open ----------------------------------------------

class ReplyRoute(StrEnum):
    ADD = "add"  # an open ticket: the message is added (it may move the status, see status.py)
    REOPEN = "reopen"  # closed recently: added, and the ticket reopens
    NEW_LINKED = "new_linked"  # closed long ago or cancelled: a new ticket linked to this one


def reopen_window() -> timedelta:
    return timedelta(days=settings.EDUDESK_REOPEN_DAYS)


def customer_reply_route(ticket: Ticket, now: datetime) -> ReplyRoute:
    """What a customer's message to this (not merged) ticket does."""
    if ticket.status == Status.CANCELLED:
        return ReplyRoute.NEW_LINKED
    if ticket.status == Status.RESOLVED:
        closed_at = ticket.closed_at or ticket.updated_at
        if closed_at is not None and now - closed_at > reopen_window():
            return ReplyRoute.NEW_LINKED
        return ReplyRoute.REOPEN
    return ReplyRoute.ADD


def reply_target(ticket: Ticket) -> Ticket:
    """A merged duplicate's messages belong to the ticket it was merged into (followed to the end)."""
    seen = {ticket.pk}
    while ticket.merged_into_id and ticket.merged_into_id not in seen:
        ticket = Ticket.objects.select_related("service").get(pk=ticket.merged_into_id)
        seen.add(ticket.pk)
    return ticket


# --- merging ----------------------------------------------------------------------------------

def merge_refusal(duplicate: Ticket, into: Ticket) -> str | None:
    """Why these two tickets may not be merged (None: they may). Asked by ``services.merge``
    and shown by the desk's confirmation before the agent confirms."""
    if duplicate.pk == into.pk:
        return _("Нельзя объединить обращение с самим собой.")
    if duplicate.service_id != into.service_id:
        return _("Объединять можно только обращения одного сервиса.")
    if duplicate.merged_into_id or duplicate.status in CLOSED_STATUSES:
        return _("Обращение %(number)s уже закрыто.") % {"number": duplicate.number}
    if into.merged_into_id:
        return _("Обращение %(number)s само объединено с другим.") % {"number": into.number}
    if duplicate.requester_id != into.requester_id:
        return _("У обращений разные заявители. Объединение показало бы одному заявителю "
                 "переписку, снимки экрана и контакты другого, поэтому объединять их нельзя. "
                 "Если это одна и та же проблема, свяжите обращения: каждый заявитель сохранит "
                 "своё обращение.")
    return None


# --- closing: a reason, and undo for a short time ---------------------------------------------

OTHER_REASON = "other"
CLOSE_REASONS: dict[str, list[tuple[str, str]]] = {
    Status.CANCELLED: [
        ("not_needed", gettext_lazy("Вопрос больше не актуален")),
        ("solved_myself", gettext_lazy("Проблема решилась сама")),
        ("by_mistake", gettext_lazy("Обращение создано по ошибке")),
        ("customer_asked", gettext_lazy("По просьбе заявителя")),
        (OTHER_REASON, gettext_lazy("Другая причина")),
    ],
    Status.RESOLVED: [
        ("answer_helped", gettext_lazy("Ответ техподдержки помог")),
        ("solved_myself", gettext_lazy("Проблема решилась сама")),
        (OTHER_REASON, gettext_lazy("Другая причина")),
    ],
}
MAX_COMMENT = 1000
# Closings a person (an agent, a customer) must explain; the system's own (merge, automatic
# closing) carry their reason in the event instead.
REASON_REQUIRED = frozenset({Status.CANCELLED})


def close_reasons(target: str, actor: Actor) -> list[tuple[str, str]]:
    """The reasons offered for closing with ``target``; a customer does not ask themselves."""
    return [(code, str(label)) for code, label in CLOSE_REASONS.get(target, [])
            if not (code == "customer_asked" and actor.kind == ActorKind.CUSTOMER)]


def check_close_reason(target: str, reason: str, comment: str, actor: Actor) -> None:
    """Refuse a reason that is not offered for ``target``, «другая» without words, or no reason
    where a person must give one (``REASON_REQUIRED``)."""
    if not reason and not comment:
        if target in REASON_REQUIRED and actor.kind != ActorKind.SYSTEM:
            raise ReasonRequired(_("Укажите причину: заявитель увидит её в обращении и в письме."))
        return
    codes = {code for code, _label in CLOSE_REASONS.get(target, [])}
    if reason not in codes:
        raise InvalidOperation(_("Выберите причину из списка."))
    if reason == OTHER_REASON and not comment.strip():
        raise InvalidOperation(_("Напишите, по какой причине."))
    if len(comment) > MAX_COMMENT:
        raise InvalidOperation(_("Причина длиннее %(limit)s знаков.") % {"limit": MAX_COMMENT})


def close_reason_text(data: dict | None) -> str:
    """The reason of a closing event (``Event.data``) in words: the label, then the comment."""
    data = data or {}
    labels = {code: label for reasons in CLOSE_REASONS.values() for code, label in reasons}
    label = str(labels[data["reason"]]) if data.get("reason") in labels else ""
    comment = (data.get("comment") or "").strip()
    if label and comment and data.get("reason") != OTHER_REASON:
        return f"{label}. {comment}"
    return comment or label


def closing_event(ticket: Ticket) -> Event | None:
    """The status change that closed this (closed) ticket, for its reason and its undo (which
    compare the actor's ids: the actor's rows are not read)."""
    if ticket.status not in CLOSED_STATUSES:
        return None
    return (Event.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED,
                                 new__status=ticket.status).order_by("-id").first())


def undo_window() -> timedelta:
    return timedelta(minutes=settings.EDUDESK_UNDO_MINUTES)


def undoable_close(ticket: Ticket, actor: Actor, now: datetime,
                   closing: Event | None = None) -> Event | None:
    """The closing this actor may still undo: theirs, within the window, and nothing since
    (``closing``: the ticket's ``closing_event``, when the caller has it)."""
    from edudesk.tickets import versions

    event = closing or closing_event(ticket)
    if event is None or event.actor_kind != actor.kind or now - event.created_at > undo_window():
        return None
    same_person = (event.actor_user_id == getattr(actor.user, "pk", None)
                   and event.actor_contact_id == getattr(actor.contact, "pk", None))
    if not same_person or versions.current_version(ticket) != event.pk:
        return None
    return event


def undone(event: Event) -> bool:
    """Whether this closing was undone (its customer mail is then withdrawn, not sent)."""
    return Event.objects.filter(ticket_id=event.ticket_id, kind=EventKind.STATUS_CHANGED,
                                data__undoes=event.pk).exists()
