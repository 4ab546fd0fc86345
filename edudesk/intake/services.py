"""Intake services: the service's schema, similar open tickets, drafts, split submissions."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.accounts.models import Contact, Service
from edudesk.intake import term_weights, writer_history
from edudesk.intake.attachments import AcceptedImage
from edudesk.intake.models import Draft, DraftImage, IntakeDecision
from edudesk.intake.models import FormSchema as FormSchemaRow
from edudesk.intake.multiproblem import detect_problems
from edudesk.intake.pipeline import submit
from edudesk.intake.schema import FormSchema
from edudesk.intake.seed_schemas import initial_schema
from edudesk.intake.similarity import rank_similar
from edudesk.intake.submission import IncomingFile, Outcome, RequesterData, Submission
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Ticket
from edudesk.tickets.selectors import visible_to_contact, with_description
from edudesk.tickets.status import OPEN_STATUSES
from edudesk.tickets.types import Actor

DRAFT_LIFETIME = timedelta(days=1)
SIMILAR_CANDIDATES = 200


# Parsed schemas per service id, kept for SCHEMA_CACHE_SECONDS: every submission needs one.
# A save or delete of a schema row empties this process's cache at once (intake.apps); other
# processes pick the change up within that time.
SCHEMA_CACHE_SECONDS = 60
_schemas: dict[int, tuple[float, FormSchema]] = {}


def forget_schemas() -> None:
    """Drop every cached schema (after a schema row changed)."""
    _schemas.clear()


def schema_for(service: Service) -> FormSchema:
    """The service's stored schema; a service without one gets its seed (or generic) schema."""
    cached = _schemas.get(service.pk)
    if cached is not None and time.monotonic() - cached[0] < SCHEMA_CACHE_SECONDS:
        return cached[1]
    row = FormSchemaRow.objects.filter(service=service).first()
    if row is None:
        document = initial_schema(service.code).to_json()
        row, _created = FormSchemaRow.objects.get_or_create(
            service=service, defaults={"document": document}
        )
    schema = row.as_schema()
    _schemas[service.pk] = (time.monotonic(), schema)
    return schema


@dataclasses.dataclass(frozen=True)
class SimilarTicket:
    number: str
    score: float
    status_label: str
    # The user's own (or, for an organisation's administrator, visible) ticket: its subject is
    # shown and the new text may be added to it. A colleague's ticket shows its number only.
    subject: str = ""
    can_add: bool = False


def similar_open_tickets(contact: Contact, text: str, limit: int = 5) -> list[SimilarTicket]:
    """Open tickets of this contact and their organisation that read like ``text``."""
    mine = Q(requester=contact)
    if contact.organisation_id:
        mine |= Q(organisation_id=contact.organisation_id)
    candidates = list(
        with_description(Ticket.objects.filter(mine, service_id=contact.service_id,
                                               status__in=OPEN_STATUSES, merged_into__isnull=True))
        .select_related("service")
        .order_by("-id")[:SIMILAR_CANDIDATES]
    )
    by_pk = {ticket.pk: ticket for ticket in candidates}
    matches = rank_similar(
        text, [(t.pk, f"{t.subject}\n{t.description}") for t in candidates], limit=limit,
        weights=term_weights.for_service(contact.service_id),
        history=writer_history.earlier_texts(contact.pk, contact.service_id,
                                             exclude=[t.pk for t in candidates]),
    )
    visible = set(
        visible_to_contact(contact).filter(pk__in=[m.key for m in matches])
        .values_list("pk", flat=True)
    )
    return [
        SimilarTicket(
            number=by_pk[match.key].number,
            score=match.score,
            status_label=by_pk[match.key].status_label(),
            subject=by_pk[match.key].subject if match.key in visible else "",
            can_add=match.key in visible,
        )
        for match in matches
    ]


# --- drafts: a checked submission waiting for the user's choice -------------------------------


def save_draft(submission: Submission, images: list[AcceptedImage], contact: Contact | None,
               suggested: dict | None = None, now: datetime | None = None) -> Draft:
    """Keep a checked submission (and what was suggested to its author) for the review step."""
    now = now or timezone.now()
    Draft.objects.filter(created_at__lt=now - DRAFT_LIFETIME).delete()
    draft = Draft.objects.create(
        service=submission.service, contact=contact, created_at=now,
        payload={
            "channel": submission.channel,
            "category": submission.category,
            "subject": submission.subject,
            "description": submission.description,
            "fields": submission.fields,
            "requester": dataclasses.asdict(submission.requester),
            "locked": sorted(submission.locked_fields),
            "meta": submission.meta,
            "suggested": suggested or {},
        },
    )
    DraftImage.objects.bulk_create(
        DraftImage(draft=draft, position=index, original_name=image.original_name[:255],
                   format=image.format, width=image.width, height=image.height, data=image.data)
        for index, image in enumerate(images)
    )
    return draft


def load_draft(draft_id, service: Service, now: datetime | None = None) -> Draft | None:
    now = now or timezone.now()
    return (Draft.objects.filter(pk=draft_id, service=service,
                                 created_at__gte=now - DRAFT_LIFETIME).first())


def submission_from_draft(draft: Draft) -> Submission:
    payload = draft.payload
    return Submission(
        service=draft.service,
        channel=payload["channel"],
        requester=RequesterData(**payload["requester"]),
        description=payload["description"],
        subject=payload.get("subject", ""),
        category=payload["category"],
        fields=dict(payload["fields"]),
        locked_fields=frozenset(payload.get("locked", ())),
        meta=dict(payload.get("meta", {})),
        files=[
            IncomingFile(name=image.original_name, content=bytes(image.data))
            for image in draft.images.all()
        ],
    )


# --- the user's choices -------------------------------------------------------------------------


def record_decision(service: Service, contact: Contact | None, kind: str, ticket_numbers: list[str],
                    suggested: dict) -> IntakeDecision:
    return IntakeDecision.objects.create(service=service, contact=contact, kind=kind,
                                         tickets=ticket_numbers, suggested=suggested)


def add_to_existing(submission: Submission, contact: Contact, number: str) -> Outcome:
    """The user chose to write into their open ticket instead of opening a new one."""
    ticket = visible_to_contact(contact).get(number=number)
    text = submission.description
    extra = [f"{key}: {value}" for key, value in submission.fields.items()
             if key not in ticket.fields and value]
    if extra:
        text = "\n".join([text, "", *extra])
    follow_up = dataclasses.replace(submission, ticket=ticket, description=text,
                                    actor=Actor.customer(contact))
    return submit(follow_up)


def submit_split(submission: Submission, texts: list[str], subjects: list[str]) -> list[Outcome]:
    """Register one ticket per problem, all or none; each keeps the request's screenshots and
    the tickets are linked to the first one."""
    outcomes: list[Outcome] = []
    with transaction.atomic():
        for text, subject in zip(texts, subjects, strict=True):
            part = dataclasses.replace(
                submission, description=text, subject=subject, fields=dict(submission.fields),
                files=list(submission.files), requester=dataclasses.replace(submission.requester),
            )
            outcome = submit(part)
            if not outcome.ok:
                transaction.set_rollback(True)
                return [outcome]
            outcomes.append(outcome)
        first = outcomes[0].ticket
        actor = Actor.customer(first.requester)
        for outcome in outcomes[1:]:
            tickets.link(first, outcome.ticket, actor=actor)
    return outcomes


# --- the review step: carry out the user's choice for a draft ---------------------------------


@dataclasses.dataclass
class Decision:
    submission: Submission
    outcomes: list[Outcome]
    added: bool = False

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes)


def decide(draft: Draft, choice: str, contact: Contact | None) -> Decision:
    """«add:<number>» writes into the user's open ticket, «split» registers one ticket per
    problem, anything else registers the request as it is. The choice is recorded and the
    draft deleted once something is stored.

    Raises LookupError when the ticket to add to is not one the contact may write into.
    """
    submission = submission_from_draft(draft)
    suggested = draft.payload.get("suggested", {})
    problems = detect_problems(submission.description) if choice == "split" else None
    if choice.startswith("add:"):
        number = choice.removeprefix("add:")
        if contact is None or not visible_to_contact(contact).filter(number=number).exists():
            raise LookupError(number)
        decision = Decision(submission, [add_to_existing(submission, contact, number)], added=True)
        kind = IntakeDecision.Kind.ADDED_TO_EXISTING
    elif problems:
        outcomes = submit_split(submission, problems.ticket_texts(), problems.subjects())
        decision, kind = Decision(submission, outcomes), IntakeDecision.Kind.SPLIT
    else:
        decision = Decision(submission, [submit(submission)])
        kind = (IntakeDecision.Kind.CREATED_DESPITE_SIMILAR if suggested.get("similar")
                else IntakeDecision.Kind.KEPT_TOGETHER)
    if decision.ok:
        record_decision(draft.service, contact, kind,
                        [outcome.ticket.number for outcome in decision.outcomes], suggested)
        draft.delete()
    return decision


# --- several problems in a letter or an API request: the agent's one-click split --------------


@dataclasses.dataclass(frozen=True)
class RegisteredProblems:
    """The problems found in a request registered as one ticket (mail, API)."""

    items: list[str]
    texts: list[str]
    subjects: list[str]
    # Tickets already split off for them (empty until the agent splits).
    split_into: list[str]


def registered_problems(ticket: Ticket, data: dict | None = None) -> RegisteredProblems | None:
    """The problems found when the ticket was registered (``data``: its CREATED event's data,
    when the caller has it)."""
    from edudesk.intake.categorize import created_data
    from edudesk.intake.pipeline import PROBLEMS_KEY
    from edudesk.tickets.events import EventKind

    items = list((created_data(ticket) if data is None else data).get(PROBLEMS_KEY) or [])
    if len(items) < 2:
        return None
    found = detect_problems(ticket.description)
    if found is not None and list(found.items) == items:
        texts, subjects = found.ticket_texts(), found.subjects()
    else:  # the detection changed since: split the items as they were found
        texts, subjects = items, [item.split("\n")[0][:80] for item in items]
    numbers = [(event.new or {}).get("ticket") for event in
               ticket.events.filter(kind=EventKind.SPLIT_INTO).only("new")]
    split_into = list(with_description(Ticket.objects.filter(number__in=numbers))
                      .filter(description__in=texts[1:])
                      .order_by("id").values_list("number", flat=True))
    return RegisteredProblems(items, texts, subjects, split_into)


def split_registered_problems(ticket: Ticket, actor: Actor,
                              seen_version: int | None = None) -> list[Ticket]:
    """Each problem after the first becomes its own ticket (``tickets.split``: same requester,
    data and priority, linked to this one, registered and told to the requester); the first
    problem stays in this ticket. ``seen_version``: the version the agent saw (checked once,
    before the first split)."""
    from edudesk.tickets.errors import InvalidOperation

    problems = registered_problems(ticket)
    if problems is None:
        raise InvalidOperation(_("В обращении не найдено нескольких проблем."))
    if problems.split_into:
        raise InvalidOperation(_("Проблемы из этого обращения уже выделены: %(numbers)s.")
                               % {"numbers": ", ".join(problems.split_into)})
    created: list[Ticket] = []
    with transaction.atomic():
        for text, subject in zip(problems.texts[1:], problems.subjects[1:], strict=True):
            created.append(tickets.split(ticket, actor=actor, text=text, subject=subject,
                                         seen_version=None if created else seen_version))
    return created
