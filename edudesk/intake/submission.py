"""The channel-neutral request: what every channel turns its input into."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from edudesk.accounts.models import Service
from edudesk.tickets.models import Consultation, Message, Ticket
from edudesk.tickets.types import Actor


@dataclass
class RequesterData:
    """Who writes, as the channel knows it (the widget and the LMS fill these automatically)."""

    email: str = ""
    full_name: str = ""
    phone: str = ""
    login: str = ""
    role: str = ""
    organisation: str = ""
    city: str = ""
    region: str = ""


@dataclass
class IncomingFile:
    """A file as received, before the attachment policy has judged it by its content."""

    name: str
    content: bytes
    declared_type: str = ""


@dataclass
class Submission:
    service: Service
    channel: str
    requester: RequesterData
    description: str
    subject: str = ""
    category: str = ""
    priority: str = ""
    fields: dict = field(default_factory=dict)
    files: list[IncomingFile] = field(default_factory=list)
    # Fields filled by a trusted source (signed widget token, LMS) that the user cannot change.
    locked_fields: frozenset[str] = frozenset()
    # Channel metadata: user agent, mail Message-ID, remote address, ...
    meta: dict = field(default_factory=dict)
    body_html: str = ""
    external_id: str = ""
    # A follow-up to an existing ticket (a mail reply, the user choosing "add to my request").
    ticket: Ticket | None = None
    # Who submits: the requester (default) or an agent registering on a caller's behalf.
    actor: Actor | None = None
    # Web and API refuse incomplete requests; mail registers them and asks for what is missing.
    register_incomplete: bool = False
    # A follow-up written by an agent as an internal note (never shown to the customer).
    internal: bool = False
    # A follow-up that also moves its ticket, in the same change (told by the message's own
    # mail): an agent's answer («После ответа»); «Техподдержке требуется уточнение» makes the
    # message a request for clarification, asking for `asked` (labels of the missing data).
    then_status: str = ""
    asked: list[str] = field(default_factory=list)
    # The ticket's version the writer had on screen (``tickets.versions``): a follow-up written
    # over changes they have not seen is refused (``StaleTicket``).
    seen_version: int | None = None
    # Set by the pipeline: the category it inferred for a request that came without one.
    category_suggestion: Any = None
    # A new request found to repeat the requester's open ticket, added to it (intake.repeats).
    repeat: bool = False
    # The phone or messenger consultation this request registers (an agent's conversion).
    consultation: Consultation | None = None
    # The active mass incident the requester says they have («У меня та же проблема»).
    incident_id: int | None = None
    # Set by the pipeline: the contacts it looked up by the requester's identity
    # (``intake.requester.known``), shared by the submission's copies so it looks up once.
    found_contacts: dict = field(default_factory=dict)


class OutcomeKind(StrEnum):
    CREATED = "created"
    ADDED = "added"
    REFUSED = "refused"


@dataclass
class Outcome:
    kind: OutcomeKind
    ticket: Ticket | None = None
    message: Message | None = None
    # Field-level errors (field key -> messages in the user's language); "__all__" for general.
    errors: dict[str, list[str]] = field(default_factory=dict)
    # Files that were not stored, with the rule that refused them.
    refused_files: list[tuple[str, str]] = field(default_factory=list)
    # Labels of required data that is still missing (a registered incomplete request).
    missing: list[str] = field(default_factory=list)
    # A follow-up to a closed ticket became a new ticket (tickets.policy): the old number.
    continues: str = ""
    # A new request repeating the requester's open ticket was added to that ticket instead.
    repeat_of: str = ""
    # The active mass incident the new ticket was linked to (a known problem).
    incident: Any = None

    @property
    def ok(self) -> bool:
        return self.kind != OutcomeKind.REFUSED
