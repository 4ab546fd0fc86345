"""Which ticket a mail belongs to, and whether its sender may write into it.

Threading keys, strongest first: the signed reply address edudesk gave out, the
Message-IDs of the mails edudesk sent (or received) that the mail answers
(In-Reply-To, References), and the ``[INC0000123]`` tag in the subject. A mail
with none of them, or with the tag of a ticket that does not exist, starts a
new ticket. Tickets of another service are never matched.
"""

from __future__ import annotations

from dataclasses import dataclass

from edudesk.accounts.models import Service
from edudesk.accounts.services import normalise_email
from edudesk.mail.conf import reply_token_secret
from edudesk.mail.models import OutboundMail, ledger_message_id
from edudesk.mail.parsing import ParsedMail
from edudesk.mail.reply_address import ticket_id_from_addresses
from edudesk.tickets.models import Message, Ticket


@dataclass(frozen=True)
class Thread:
    ticket: Ticket | None
    matched_by: str = ""  # "reply_address", "headers", "subject_tag" or "" for a new ticket
    unknown_numbers: tuple[str, ...] = ()


def _by_reply_address(mail: ParsedMail, service: Service) -> Ticket | None:
    ticket_id = ticket_id_from_addresses(mail.recipient_addresses, reply_token_secret())
    if ticket_id is None:
        return None
    return Ticket.objects.filter(pk=ticket_id, service=service).first()


def _by_headers(mail: ParsedMail, service: Service) -> Ticket | None:
    ids = [ledger_message_id(message_id) for message_id in mail.thread_message_ids]
    if not ids:
        return None
    sent = dict(
        OutboundMail.objects.filter(message_id__in=ids, ticket__service=service)
        .values_list("message_id", "ticket_id")
    )
    received = dict(
        Message.objects.filter(external_id__in=ids, ticket__service=service).exclude(external_id="")
        .values_list("external_id", "ticket_id")
    )
    for message_id in ids:  # nearest first: In-Reply-To, then References backwards
        ticket_id = sent.get(message_id) or received.get(message_id)
        if ticket_id:
            return Ticket.objects.get(pk=ticket_id)
    return None


def find_thread(mail: ParsedMail, service: Service) -> Thread:
    """The ticket this mail continues, if any."""
    ticket = _by_reply_address(mail, service)
    if ticket is not None:
        return Thread(ticket, "reply_address")
    ticket = _by_headers(mail, service)
    if ticket is not None:
        return Thread(ticket, "headers")
    numbers = mail.ticket_numbers
    if numbers:
        found = {t.number: t for t in Ticket.objects.filter(service=service, number__in=numbers)}
        for number in numbers:
            if number in found:
                return Thread(found[number], "subject_tag")
        return Thread(None, unknown_numbers=tuple(numbers))
    return Thread(None)


def participant_addresses(ticket: Ticket) -> set[str]:
    """Addresses that may write into a ticket: its requester and everyone who wrote in it."""
    addresses = {ticket.requester.email}
    addresses.update(
        Message.objects.filter(ticket=ticket, author_contact__isnull=False)
        .values_list("author_contact__email", flat=True)
    )
    return {normalise_email(address).lower() for address in addresses if address}


def is_participant(ticket: Ticket, address: str) -> bool:
    return normalise_email(address).lower() in participant_addresses(ticket)
