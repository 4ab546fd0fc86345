"""The one place that decides what the customer is told: which event → which template → whom.

Every customer notification is decided here from the ticket's events (``RULES``, one rule
per event kind); channels and services record what happened on the event (``Event.data``)
and never queue customer mail themselves. Registered as an after-commit event subscriber: a
rule runs in a retried job, so it must be idempotent; ``outbound.queue_mail`` composes at most
one mail per event and recipient. The portal's sign-in link, a mail about no event, is
composed here too (``mail_sign_in_link``). Mail to the staff lives in ``staff_notices.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.db.models import Q

from edudesk.accounts.models import Contact
from edudesk.mail.models import MailTemplate, OutboundMail
from edudesk.mail.outbound import queue_mail
from edudesk.tickets import policy
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Channel, Event, Message
from edudesk.tickets.status import CLOSED_STATUSES, CUSTOMER_MUST_ACT, MEANINGS, ActorKind, Status

Key = MailTemplate.Key


class Audience(Enum):
    REQUESTER = "requester"  # the ticket's requester alone
    PARTICIPANTS = "participants"  # the requester and everyone else who wrote in the ticket
    AUTHOR = "author"  # the customer whose action caused the event


@dataclass(frozen=True)
class Notice:
    template: str
    audience: Audience
    automatic: bool = False
    # Extra template context; a callable is evaluated in the recipient's language.
    context: dict | Callable[[], dict] | None = None
    # Held until then, withdrawn if the change is undone meanwhile (a closing: policy.undo_window).
    send_after: datetime | None = None


# Status changes a customer is told about by the status mail; the others come with a message
# of their own (an answer, a request for clarification) or were made by the customer.
_STATUS_TEMPLATES = {
    Status.IN_PROCESSING: Key.STATUS_CHANGED,
    Status.IN_WORK: Key.STATUS_CHANGED,
    Status.SUGGESTION: Key.STATUS_CHANGED,
    Status.RESOLVED: Key.CLOSED,
    Status.CANCELLED: Key.CLOSED,
}


def _message(event: Event) -> Message | None:
    return Message.objects.filter(pk=(event.data or {}).get("message_id")).first()


def _created(event: Event) -> Notice:
    """The registration notice; a request registered incomplete (mail) also lists what is
    missing: the intake asked for it with a system clarification request."""
    from edudesk.sla.notices import off_hours_notice

    ticket, data = event.ticket, event.data or {}
    asked = (Event.objects.filter(ticket=ticket, kind=EventKind.CLARIFICATION_REQUESTED,
                                  actor_kind=ActorKind.SYSTEM).order_by("id").first())

    def context() -> dict:
        return {
            "missing": (asked.data or {}).get("missing", []) if asked else [],
            "refused_files": data.get("refused_files", []),
            "off_hours_notice": off_hours_notice(ticket.service, event.created_at),
            "problems": _problem_texts(data.get("problems")),
            # A letter is answered in the seed's words: «В одном письме…».
            "by_mail": ticket.channel == Channel.EMAIL,
            # A reply to a closed ticket registered as a new one linked to it.
            "continues": data.get("continues", ""),
        }

    if data.get("incident"):
        # Linked to an active mass incident at intake: told at once it is a known problem.
        def known_problem() -> dict:
            return {**context(), **_incident_context(data["incident"])}

        return Notice(Key.KNOWN_PROBLEM, Audience.REQUESTER, automatic=True, context=known_problem)
    return Notice(Key.NEEDS_DATA if asked else Key.REGISTERED, Audience.REQUESTER,
                  automatic=True, context=context)


def _incident_context(incident: dict) -> dict:
    """What the customer reads about the mass incident covering their ticket (its text as it
    is now, and the service's status page)."""
    from edudesk.incidents.public import incident_notice_context

    return incident_notice_context(incident.get("id"))


def _incident_linked(event: Event) -> Notice | None:
    data = event.data or {}
    if data.get("at_intake"):
        return None  # the registration notice already said it is a known problem
    return Notice(Key.INCIDENT_LINKED, Audience.PARTICIPANTS,
                  context=lambda: _incident_context(data))


def _problem_texts(problems) -> list[str]:
    """The problems the intake found in one request (``data["problems"]``), as text."""
    texts = []
    for item in problems or []:
        text = item if isinstance(item, str) else (item or {}).get("text", "")
        if str(text).strip():
            texts.append(str(text).strip())
    return texts if len(texts) > 1 else []


def _message_added(event: Event) -> Notice | None:
    message = _message(event)
    if message is None or message.kind != Message.Kind.PUBLIC:
        return None
    data = event.data or {}
    if data.get("closing"):
        return None  # the incident's closing text: the resolution mail quotes it
    if message.author_user_id is None:
        # The customer's own message: told only where it went, or what was not kept.
        if data.get("repeat"):
            # A repeat of an open request added to it (mail, API) instead of a new ticket.
            return Notice(Key.REPEAT_ADDED, Audience.AUTHOR, automatic=True,
                          context={"refused_files": data.get("refused_files", [])})
        if data.get("refused_files"):
            return Notice(Key.FILES_REFUSED, Audience.AUTHOR, automatic=True,
                          context={"refused_files": data["refused_files"]})
        return None
    if Event.objects.filter(ticket=event.ticket_id, kind=EventKind.CLARIFICATION_REQUESTED,
                            data__message_id=message.pk).exists():
        return None  # the clarification request's own mail carries this message
    # The reply's mail tells the status the same change left (``_status_changed``).
    return Notice(Key.AGENT_REPLY, Audience.PARTICIPANTS, context={"message": message.body})


def _clarification_requested(event: Event) -> Notice | None:
    if event.actor_kind == ActorKind.SYSTEM:
        return None  # asked by the intake: the registration notice lists what is missing
    message = _message(event)
    return Notice(Key.CLARIFICATION, Audience.PARTICIPANTS, context={
        "message": message.body if message else "",
        "missing": (event.data or {}).get("missing", []),
    })


def _merged_into(event: Event) -> Notice | None:
    original = event.ticket.merged_into
    if original is None:
        return None
    return Notice(Key.MERGED, Audience.REQUESTER, context={
        "original_number": original.number, "original_subject": original.subject})


def _told_with_a_message(event: Event) -> bool:
    """Whether the same change (same actor, same moment) also wrote the customer a message,
    whose mail then tells the new status: an answer, a request for clarification."""
    return Event.objects.filter(
        Q(kind=EventKind.MESSAGE_ADDED, data__kind=Message.Kind.PUBLIC)
        | Q(kind=EventKind.CLARIFICATION_REQUESTED),
        ticket=event.ticket_id, created_at=event.created_at, actor_kind=event.actor_kind,
        actor_user=event.actor_user_id,
    ).exists()


def _next_step(status: str, ticket) -> str:
    from django.utils.translation import gettext

    from edudesk.mail.outbound import portal_url

    if status == Status.NEEDS_CLARIFICATION:
        return gettext("Ответьте, пожалуйста, на это письмо: пришлите данные, о которых "
                       "спрашивает специалист.")
    if status == Status.ANSWERED:
        return gettext("Прочитайте ответ в разделе «Мои обращения»: %(url)s. Если проблема не "
                       "решена, ответьте на это письмо.") % {"url": portal_url(ticket)}
    return ""


def _status_changed(event: Event) -> Notice | None:
    data = event.data or {}
    if event.actor_kind == ActorKind.CUSTOMER or data.get("automatic"):
        return None
    if data.get("undoes"):
        return None  # the closing's mail was held and is withdrawn: nothing to correct
    if data.get("reason") == "merged":
        return None  # the merge notice names the ticket to follow instead
    if data.get("reason") == "incident":
        # Resolved with its mass incident: one mail with the incident's closing text.
        message = Message.objects.filter(pk=data.get("message_id")).first()
        return Notice(Key.INCIDENT_RESOLVED, Audience.PARTICIPANTS, context=lambda: {
            "message": message.body if message else "",
            "rating_url": _rating_url(event.ticket, Status.RESOLVED)})
    status = (event.new or {}).get("status")
    told_with_it = status in CUSTOMER_MUST_ACT or (status in _STATUS_TEMPLATES
                                               and status not in CLOSED_STATUSES)
    if told_with_it and _told_with_a_message(event):
        # The same change wrote the customer a message (an answer that also moves the ticket
        # on, a request for clarification): its one mail tells the new status too. A closing
        # keeps its own mail: held for the undo window and withdrawn if undone.
        return None
    if status in CUSTOMER_MUST_ACT:
        # The customer must act on these: told always, by the status mail when no message was.
        return Notice(Key.STATUS_CHANGED, Audience.PARTICIPANTS, context=lambda: {
            "status_meaning": str(MEANINGS[status]), "next_step": _next_step(status, event.ticket)})
    template = _STATUS_TEMPLATES.get(status)
    if template is None:
        return None
    closing = status in CLOSED_STATUSES and event.actor_kind == ActorKind.AGENT
    return Notice(template, Audience.PARTICIPANTS,
                  context=lambda: {"status_meaning": str(MEANINGS[status]),
                                   "rating_url": _rating_url(event.ticket, status),
                                   "reason": policy.close_reason_text(data)},
                  send_after=event.created_at + policy.undo_window() if closing else None)


def _rating_url(ticket, status: str) -> str:
    """«Вопрос решён»: the customer is asked to rate the solution (reports/satisfaction.py)."""
    from edudesk.reports.satisfaction import rating_url

    return (rating_url(ticket) or "") if status == Status.RESOLVED else ""


RULES: dict[str, Callable[[Event], Notice | None]] = {
    EventKind.CREATED: _created,
    EventKind.MESSAGE_ADDED: _message_added,
    EventKind.CLARIFICATION_REQUESTED: _clarification_requested,
    EventKind.STATUS_CHANGED: _status_changed,
    EventKind.MERGED_INTO: _merged_into,
    EventKind.INCIDENT_LINKED: _incident_linked,
}
# The events that may tell the customer something (others never queue a job for mail).
NOTIFIED_KINDS = frozenset(RULES)


def participants(ticket) -> list[Contact]:
    """The requester first, then every other contact who wrote in the ticket."""
    people = [ticket.requester]
    writers = Contact.objects.filter(
        pk__in=Message.objects.filter(ticket=ticket, author_contact__isnull=False)
        .values("author_contact")
    ).exclude(pk=ticket.requester_id).order_by("pk")
    people.extend(writers)
    return people


def _recipients(event: Event, audience: Audience) -> list[Contact]:
    if audience is Audience.REQUESTER:
        return [event.ticket.requester]
    if audience is Audience.AUTHOR:
        return [event.actor_contact] if event.actor_contact_id else []
    return participants(event.ticket)


def notify_customer(event: Event) -> list[OutboundMail]:
    """Compose the mail an event deserves (if any) for the people its rule names."""
    rule = RULES.get(event.kind)
    notice = rule(event) if rule else None
    if notice is None:
        return []
    composed = []
    for recipient in _recipients(event, notice.audience):
        mail = queue_mail(ticket=event.ticket, recipient=recipient, template=notice.template,
                          event=event, automatic=notice.automatic, context=notice.context,
                          send_after=notice.send_after)
        if mail is not None:
            composed.append(mail)
    return composed


def mail_sign_in_link(contact: Contact, url: str) -> OutboundMail | None:
    """The portal's one-time sign-in link, asked for by the customer (not an automatic reply)."""
    return queue_mail(ticket=None, service=contact.service, recipient=contact,
                      template=Key.SIGN_IN_LINK, event=None, automatic=False,
                      context={"url": url})
