"""A phone or messenger consultation becomes an official request: the one way, for the desk
and the API alike.

The agent names the caller (a known contact, or the caller's data typed in) and the request;
it goes through the intake pipeline like any channel's submission: the service's schema
checks it (an agent registering a caller's request is lenient about what is missing, which
is listed for a clarification, but malformed data is refused with the schema's message), the
requester is found from the agent's choice (``intake.requester``), and the ticket domain
links the ticket to the consultation (``tickets.services.convert_consultation``).
"""

from __future__ import annotations

from edudesk.intake import requester as requesters
from edudesk.intake.pipeline import submit
from edudesk.intake.submission import Outcome, RequesterData, Submission
from edudesk.tickets.models import Consultation
from edudesk.tickets.types import Actor


def convert(consultation: Consultation, *, actor: Actor, requester: RequesterData | None = None,
            subject: str = "", description: str = "", category: str = "", priority: str = "",
            fields: dict | None = None) -> Outcome:
    """Register the consultation as a ticket; `requester` adds to (never replaces) the contact
    the agent chose when logging the call."""
    chosen = requesters.from_contact(consultation.contact)
    who = requesters.combine(chosen, requester or RequesterData()) if consultation.contact \
        else (requester or RequesterData())
    return submit(Submission(
        service=consultation.service, channel=consultation.channel, requester=who,
        subject=subject or consultation.topic,
        description=description or consultation.notes or consultation.topic,
        category=category, priority=priority, fields=dict(fields or {}), actor=actor,
        consultation=consultation,
    ))
