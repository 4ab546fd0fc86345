"""The conversation as one timeline: messages with their screenshots, and the changes between.

Every queryset here is fixed in number: the page costs the same queries with 2 messages or 200.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from edudesk.accounts.models import User
from edudesk.mail.htmltext import resolve_inline_images, without_remote_images
from edudesk.mail.models import InboundMail
from edudesk.tickets import message_roles, policy
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Attachment, Event, Message, Priority, SlaFlag, Ticket
from edudesk.tickets.status import status_label

# Changes worth a line in the conversation (message events are the messages themselves).
SHOWN_EVENTS = {
    EventKind.STATUS_CHANGED, EventKind.ASSIGNED, EventKind.PRIORITY_CHANGED,
    EventKind.CATEGORY_CHANGED, EventKind.FIELDS_UPDATED, EventKind.MERGED_INTO,
    EventKind.MERGED_FROM, EventKind.SPLIT_INTO, EventKind.SPLIT_FROM, EventKind.LINKED,
    EventKind.CONSULTATION_CONVERTED, EventKind.SLA_FLAGGED,
    # The mail app's notes an agent must act on: a reply that never reached the customer,
    # a mail from someone outside the ticket waiting for a decision, an out-of-office reply.
    EventKind.MAIL_FAILED, EventKind.MAIL_BOUNCED, EventKind.MAIL_HELD, EventKind.MAIL_REJECTED,
    EventKind.MAIL_AUTO_REPLY,
}
_MAIL_EVENTS = (EventKind.MAIL_FAILED, EventKind.MAIL_BOUNCED, EventKind.MAIL_HELD,
                EventKind.MAIL_REJECTED, EventKind.MAIL_AUTO_REPLY)


@dataclass(frozen=True)
class Entry:
    created_at: datetime
    message: Message | None = None
    event: Event | None = None
    text: str = ""
    html: str = ""  # a mail's sanitised HTML, inline images pointing at this desk's URLs
    held_mail: int | None = None  # a held mail still waiting for an agent's decision
    hidden_images: int = 0  # remote images of a mail not loaded (until the agent asks)
    repeat: bool = False  # a message added because a new request repeated this ticket

    @property
    def is_message(self) -> bool:
        return self.message is not None


def messages_of(ticket: Ticket):
    raw = InboundMail.objects.filter(ticket_message=OuterRef("pk"))
    return (ticket.messages.select_related("author_user", "author_contact")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("ordinal")))
            .annotate(has_raw_mail=Exists(raw)).order_by("created_at", "id"))


def shown_html(ticket: Ticket, message: Message, remote_images: bool = False) -> tuple[str, int]:
    """The message's HTML with its inline images served by the permission-checked view, and
    without its remote images unless asked for; with the number of remote images left out."""
    if not message.body_html:
        return "", 0
    html, hidden = (message.body_html, 0) if remote_images else without_remote_images(message.body_html)
    urls: dict[str, str] = {}
    for attachment in message.attachments.all():
        if attachment.ticket_id == ticket.pk:
            urls.setdefault(attachment.original_name,
                            reverse("desk:attachment", args=[ticket.number, attachment.ordinal]))
    return resolve_inline_images(html, urls), hidden


def _message_entry(ticket: Ticket, message: Message, remote_images: bool,
                   repeat: bool = False) -> Entry:
    html, hidden = shown_html(ticket, message, remote_images)
    return Entry(message.created_at, message=message, html=html, hidden_images=hidden,
                 repeat=repeat)


def build(ticket: Ticket, images_of: int | None = None) -> list[Entry]:
    """The ticket's messages and events in order; ``images_of``: the message whose remote
    images the agent asked to see."""
    # One query: the events shown, the messages added as a repeat of this ticket, and the
    # events that say what a message is (its merged duplicates' too).
    fetched = list(Event.objects.filter(
        message_roles.of_ticket(ticket),
        Q(kind__in=[str(k) for k in SHOWN_EVENTS]) | Q(kind=EventKind.MESSAGE_ADDED, data__repeat=True)
        | message_roles.NAMING,
    ).select_related("actor_user", "actor_contact").order_by("id"))
    messages = list(messages_of(ticket))
    message_roles.label(messages, ticket, fetched)
    own = [e for e in fetched if e.ticket_id == ticket.pk]
    repeats = {e.data.get("message_id") for e in own
               if e.kind == EventKind.MESSAGE_ADDED and e.data.get("repeat")}
    events = [e for e in own if e.kind in SHOWN_EVENTS]
    entries = [_message_entry(ticket, m, m.pk == images_of, m.pk in repeats) for m in messages]
    names = user_names(events)
    waiting = _waiting_held_mail(events)
    for event in events:
        held_mail = _held_mail_id(event, waiting)
        text = describe(ticket, event, names)
        if event.kind == EventKind.MAIL_HELD and held_mail is None:
            text = _("Письмо от %(sender)s было задержано: отправитель не участвовал в обращении.") % {
                "sender": (event.data or {}).get("from", "")}
        entries.append(Entry(event.created_at, event=event, text=text, held_mail=held_mail))
    return sorted(entries, key=lambda entry: (entry.created_at, 0 if entry.is_message else 1))


def _held_mail_id(event: Event, waiting: set[int]) -> int | None:
    inbound_id = (event.data or {}).get("inbound_id") if event.kind == EventKind.MAIL_HELD else None
    return inbound_id if inbound_id in waiting else None


def _waiting_held_mail(events: list[Event]) -> set[int]:
    """Held mails of these events that no agent has accepted or refused yet (one query)."""
    ids = {(e.data or {}).get("inbound_id") for e in events if e.kind == EventKind.MAIL_HELD}
    ids.discard(None)
    if not ids:
        return set()
    return set(InboundMail.objects.filter(pk__in=ids, state=InboundMail.State.HELD)
               .values_list("pk", flat=True))


def user_names(events: list[Event]) -> dict[int, str]:
    ids = {value for e in events if e.kind == EventKind.ASSIGNED
           for value in [(e.new or {}).get("assignee")] if value}
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)} if ids else {}


def describe_mail(event: Event) -> str:
    data = event.data or {}
    if event.kind == EventKind.MAIL_FAILED:
        return _("Письмо на адрес %(to)s не отправлено: %(error)s") % {
            "to": data.get("to", ""), "error": data.get("error", "")}
    if event.kind == EventKind.MAIL_BOUNCED:
        return _("Письмо заявителю вернулось недоставленным: %(recipients)s") % {
            "recipients": ", ".join(data.get("recipients") or []) or "—"}
    if event.kind == EventKind.MAIL_REJECTED:
        return _("Письмо от %(sender)s отклонено.") % {"sender": data.get("from", "")}
    if event.kind == EventKind.MAIL_AUTO_REPLY:
        return _("Автоответ от %(sender)s (не в очереди, ответ не отправлялся): «%(subject)s»") % {
            "sender": data.get("from", ""), "subject": data.get("subject", "")}
    return _("Письмо от %(sender)s ждёт решения специалиста: отправитель не участвует в обращении.") % {
        "sender": data.get("from", "")}


def _describe_status(event: Event, label) -> str:
    old, new, data = event.old or {}, event.new or {}, event.data or {}
    if data.get("undoes"):
        return _("Закрытие отменено: статус «%(new)s» и сроки SLA восстановлены") % {
            "new": label(new.get("status"))}
    text = _("Статус: «%(old)s» → «%(new)s»") % {"old": label(old.get("status")),
                                                 "new": label(new.get("status"))}
    reason = policy.close_reason_text(data)
    return _("%(change)s, причина: %(reason)s") % {"change": text, "reason": reason} if reason else text


def describe(ticket: Ticket, event: Event, names: dict[int, str]) -> str:
    if event.kind in _MAIL_EVENTS:
        return describe_mail(event)
    new = event.new or {}
    label = status_label
    match event.kind:
        case EventKind.STATUS_CHANGED:
            return _describe_status(event, label)
        case EventKind.ASSIGNED:
            who = names.get(new.get("assignee")) or _("никто")
            return _("Назначено: %(who)s") % {"who": who}
        case EventKind.PRIORITY_CHANGED:
            return _("Приоритет: %(value)s") % {"value": Priority(new.get("priority")).label}
        case EventKind.CATEGORY_CHANGED:
            return _("Категория: %(value)s") % {"value": new.get("category") or "—"}
        case EventKind.FIELDS_UPDATED:
            return _("Дополнены данные обращения: %(keys)s") % {"keys": ", ".join(new)}
        case EventKind.MERGED_INTO:
            return _("Объединено с обращением %(number)s") % {"number": new.get("ticket")}
        case EventKind.MERGED_FROM:
            return _("Присоединено обращение %(number)s") % {"number": new.get("ticket")}
        case EventKind.SPLIT_INTO:
            return _("Выделено новое обращение %(number)s") % {"number": new.get("ticket")}
        case EventKind.SPLIT_FROM:
            return _("Выделено из обращения %(number)s") % {"number": new.get("ticket")}
        case EventKind.LINKED:
            return _("Связано с обращением %(number)s") % {"number": new.get("ticket")}
        case EventKind.CONSULTATION_CONVERTED:
            return _("Оформлено из консультации")
        case EventKind.SLA_FLAGGED:
            return _("SLA: %(flag)s") % {"flag": SlaFlag(new.get("flag") or "").label}
    return event.kind
