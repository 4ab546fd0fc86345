"""What one parsed mail does to the tickets: the steps run inside the ingest transaction.

bounce → event on the ticket whose mail bounced; auto-reply or bulk → an event on the
ticket whose thread it answers, otherwise kept in the ledger only, never answered;
follow-up from a participant → a message through the intake pipeline; follow-up
from anyone else → held for an agent; otherwise → a new ticket through the intake
pipeline (its registration notice, or the list of what is missing, is decided from the
ticket's events in ``mail.notifications``, like every customer notification).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from edudesk.accounts.models import Service
from edudesk.accounts.services import find_or_create_contact
from edudesk.intake import requester as requesters
from edudesk.intake.pipeline import submit
from edudesk.intake.submission import IncomingFile, Outcome, OutcomeKind, RequesterData, Submission
from edudesk.mail.fields import fields_from_text
from edudesk.mail.models import InboundMail, Mailbox, OutboundMail
from edudesk.mail.noise import NoiseKind
from edudesk.mail.parsing import ParsedMail
from edudesk.mail.routing import find_thread, is_participant
from edudesk.tickets import events
from edudesk.tickets import services as tickets
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Channel, Ticket
from edudesk.tickets.types import Actor

State = InboundMail.State


def process_mail(row: InboundMail, mail: ParsedMail, mailbox: Mailbox | None, now: datetime,
                 *, treat_as_person: bool = False) -> None:
    """Apply one mail; sets the ledger row's state, ticket, message and detail (not saved)."""
    service = row.service
    if mail.noise.kind is NoiseKind.BOUNCE and not treat_as_person:
        _bounce(row, mail, now)
        return
    thread = find_thread(mail, service)
    if mail.noise.is_noise and not treat_as_person:
        # Decided before anything that could answer: machine mail never gets a reply.
        _machine_mail(row, mail, thread.ticket, now)
        return
    if mail.encrypted:
        # Nobody here can read it: kept whole for an administrator, never answered blindly.
        row.state, row.ticket = State.QUARANTINED, thread.ticket
        row.detail = _("Письмо зашифровано или подписано непрозрачной подписью (%(kind)s): его "
                       "текст нельзя прочитать. Исходное письмо сохранено; попросите "
                       "отправителя прислать его без шифрования.") % {"kind": mail.encrypted}
        return
    if not usable_sender(mail.from_address):
        # Nobody to answer or to make the requester: an administrator or agent decides
        # (run again, or make a ticket for an address they name).
        row.state, row.ticket = State.QUARANTINED, thread.ticket
        row.detail = _("В письме нет пригодного адреса отправителя (From); обработайте его "
                       "повторно или создайте обращение от указанного адреса.")
        return
    if _from_our_own_address(mail):
        # A forwarding loop: answering it would write to ourselves again and again.
        row.state, row.ticket = State.NOISE, thread.ticket
        row.detail = _("Письмо с собственного адреса техподдержки.")
        return
    if thread.ticket is not None:
        if is_participant(thread.ticket, mail.from_address):
            _follow_up(row, mail, thread.ticket, mailbox, now)
        else:
            _hold(row, mail, thread.ticket, now)
        return
    _new_ticket(row, mail, service, mailbox, now, unknown_numbers=thread.unknown_numbers)


def usable_sender(address: str) -> bool:
    """An address a ticket can belong to and a reply can go to."""
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def add_held_mail(row: InboundMail, mail: ParsedMail, now: datetime) -> None:
    """An agent accepted a held mail: its sender becomes a participant and the text is added."""
    _follow_up(row, mail, row.ticket, row.mailbox, now, admitted=True)


def _from_our_own_address(mail: ParsedMail) -> bool:
    local, _, domain = mail.from_address.rpartition("@")
    base = f"{local.split('+', 1)[0]}@{domain}"
    return Mailbox.objects.filter(address__iexact=base).exists()


# --- the cases ------------------------------------------------------------------------------

def _bounce(row: InboundMail, mail: ParsedMail, now: datetime) -> None:
    bounce = mail.noise.bounce
    ids = [i for i in [bounce.original_message_id if bounce else "", *mail.thread_message_ids] if i]
    outbound = OutboundMail.objects.filter(message_id__in=ids).select_related("ticket").first()
    row.state, row.detail = State.BOUNCE, mail.noise.reason
    if outbound is None:
        return
    OutboundMail.objects.filter(pk=outbound.pk).update(state=OutboundMail.State.BOUNCED)
    if outbound.ticket is None:
        return  # a mail about no ticket (a sign-in link): nobody to show the bounce to
    row.ticket = outbound.ticket
    events.record(outbound.ticket, EventKind.MAIL_BOUNCED, Actor.system(), now=now, data={
        "inbound_id": row.pk,
        "outbound_id": outbound.pk,
        "recipients": list(bounce.recipients) if bounce else [],
        "status": bounce.status if bounce else "",
        "diagnostic": bounce.diagnostic if bounce else "",
    })


def _machine_mail(row: InboundMail, mail: ParsedMail, ticket: Ticket | None,
                  now: datetime) -> None:
    """An auto-reply or list mail: a line on its ticket's thread, otherwise only the ledger."""
    row.state, row.ticket, row.detail = State.NOISE, ticket, mail.noise.reason
    if ticket is not None:
        events.record(ticket, EventKind.MAIL_AUTO_REPLY, Actor.system(), now=now, data={
            "inbound_id": row.pk, "from": mail.from_address, "subject": mail.subject,
            "reason": mail.noise.reason,
        })


def _hold(row: InboundMail, mail: ParsedMail, ticket: Ticket, now: datetime) -> None:
    row.state, row.ticket = State.HELD, ticket
    row.detail = _("Отправитель %(address)s не участвует в обращении.") % {"address": mail.from_address}
    events.record(ticket, EventKind.MAIL_HELD, Actor.system(), now=now, data={
        "inbound_id": row.pk, "from": mail.from_address, "subject": mail.subject,
    })


def _follow_up(row: InboundMail, mail: ParsedMail, ticket: Ticket, mailbox: Mailbox | None,
               now: datetime, admitted: bool = False) -> None:
    contact = find_or_create_contact(ticket.service, email=mail.from_address,
                                     full_name=mail.from_name)
    submission = _submission(mail, ticket.service, row, mailbox, description=mail.reply_text)
    submission.ticket = ticket
    submission.actor = Actor.customer(contact, admitted=admitted)
    outcome = submit(submission)
    _record_outcome(row, outcome)
    if outcome.kind == OutcomeKind.ADDED:
        _fill_missing_fields(outcome.ticket, mail.reply_text, submission.actor, now)


def _fill_missing_fields(ticket: Ticket, text: str, actor: Actor, now: datetime) -> None:
    """Data the customer sends later ("Регион: ...") fills the ticket's empty fields."""
    from edudesk.intake.services import schema_for

    schema = schema_for(ticket.service)
    found = fields_from_text(text, schema, ticket.category)
    changes = {key: value for key, value in found.items() if not ticket.fields.get(key)}
    if changes:
        tickets.update_fields(ticket, changes, actor=actor, now=now)
        specs = (schema.fields_for(ticket.category) if schema.has_category(ticket.category)
                 else schema.common)
        requesters.remember(actor.contact, specs, changes)


def _new_ticket(row: InboundMail, mail: ParsedMail, service: Service, mailbox: Mailbox | None,
                now: datetime, unknown_numbers: tuple[str, ...]) -> None:
    from edudesk.intake.services import schema_for

    description = _description(mail)
    submission = _submission(mail, service, row, mailbox, description=description)
    submission.fields = fields_from_text(description, schema_for(service))
    submission.body_html = mail.html
    if unknown_numbers:
        submission.meta["unknown_ticket_numbers"] = list(unknown_numbers)
    outcome = submit(submission)
    _record_outcome(row, outcome)
    if outcome.kind != OutcomeKind.CREATED:
        return
    ticket = outcome.ticket
    if mailbox is not None and mailbox.group_id and ticket.group_id != mailbox.group_id:
        tickets.assign(ticket, actor=Actor.system(), group=mailbox.group, now=now)


# --- building the submission ----------------------------------------------------------------

def _submission(mail: ParsedMail, service: Service, row: InboundMail, mailbox: Mailbox | None,
                description: str) -> Submission:
    return Submission(
        service=service,
        channel=Channel.EMAIL,
        requester=RequesterData(email=mail.from_address, full_name=mail.from_name),
        description=description or mail.title,
        subject=mail.title,
        files=[
            IncomingFile(name=a.filename, content=a.content, declared_type=a.content_type)
            for a in mail.all_attachments()
        ],
        meta={
            "message_id": mail.message_id,
            "from": str(mail.sender),
            "to": [str(a) for a in mail.to],
            "cc": [str(a) for a in mail.cc],
            "date": mail.date.isoformat() if mail.date else "",
            "mailbox": mailbox.address if mailbox else "",
            "inbound_id": row.pk,
        },
        external_id=row.message_id,
        register_incomplete=True,
    )


def _description(mail: ParsedMail) -> str:
    """The mail's text, followed by the text of every mail forwarded inside it."""
    parts = [mail.text]
    for inner in mail.forwarded:
        header = _("---------- Пересланное сообщение ----------")
        lines = [header, _("От: %(sender)s") % {"sender": inner.sender}]
        if inner.date:
            lines.append(_("Дата: %(date)s") % {"date": inner.date.strftime("%d.%m.%Y %H:%M %z")})
        lines.append(_("Тема: %(subject)s") % {"subject": inner.subject})
        parts.append("\n".join(lines) + "\n\n" + _description(inner))
    return "\n\n".join(part for part in parts if part.strip())




def _record_outcome(row: InboundMail, outcome: Outcome) -> None:
    row.ticket = outcome.ticket
    row.ticket_message = outcome.message
    if outcome.kind == OutcomeKind.CREATED:
        row.state = State.CREATED
    elif outcome.kind == OutcomeKind.ADDED:
        row.state = State.ADDED
    else:
        row.state = State.REFUSED
        row.detail = "\n".join(m for messages in outcome.errors.values() for m in messages)
