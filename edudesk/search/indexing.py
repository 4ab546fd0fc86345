"""Building search documents from tickets, one ticket or a batch at a time.

A document is always rebuilt whole from the ticket's current state, so indexing the same
ticket twice, or out of order, leaves the same document: the event handler is idempotent.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from edudesk.search import lemmas
from edudesk.search.models import ReindexCheckpoint, TicketDocument, TicketIdentity
from edudesk.search.query import identity_tokens
from edudesk.tickets import outbox
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Message, Ticket

# Events after which a ticket's searchable text or identities differ.
REINDEX_ON = frozenset({
    EventKind.CREATED,
    EventKind.MESSAGE_ADDED,
    EventKind.FIELDS_UPDATED,
    EventKind.MERGED_INTO,
    EventKind.MERGED_FROM,
    EventKind.SPLIT_FROM,
    EventKind.SPLIT_INTO,
    EventKind.CLARIFICATION_REQUESTED,
})
# Agents are the only searchers, so internal notes are searchable; system lines are not.
INDEXED_KINDS = (Message.Kind.PUBLIC, Message.Kind.INTERNAL)
# Bounds that keep one enormous mail from bloating the index.
MAX_TEXT_PER_MESSAGE = 20_000
MAX_TEXT_PER_TICKET = 200_000
MAX_TOKEN_LENGTH = 254
# Where the request comes from, searchable like its text («Тверь», «СОШ», «Профи»): the
# organisation's name, city and region, and what the request's form says about it.
PLACE_FIELDS = ("region", "institution", "organisation")
# Abbreviations of a school's kind (средняя / основная / начальная общеобразовательная школа):
# a search for «школа» finds «МБОУ «СОШ № 5»».
SCHOOL_ABBREVIATIONS = frozenset({"сош", "оош", "нош"})


def on_ticket_event(event: Event) -> None:
    """After-commit subscriber: reindex the ticket the event is about."""
    on_ticket_events([event])


def on_ticket_events(events: list[Event]) -> None:
    """The same for the events of one outbox job: every ticket reindexed once, together."""
    index_tickets(event.ticket_id for event in events if event.kind in REINDEX_ON)


def index_tickets(ticket_ids: Iterable[int]) -> int:
    """(Re)build the documents of these tickets; tickets that no longer exist lose theirs.

    Returns the number of documents written. Costs the same few queries and bulk inserts per
    call, whatever the number of tickets.
    """
    ids = sorted(set(ticket_ids))
    if not ids:
        return 0
    tickets = list(Ticket.objects.filter(pk__in=ids).select_related("requester", "organisation")
                   .only("id", "number", "service_id", "subject", "fields", "requester__email",
                         "requester__login", "requester__phone", "organisation__name",
                         "organisation__city", "organisation__region"))
    bodies = _bodies([t.pk for t in tickets])
    now = timezone.now()
    documents, identities = [], []
    for ticket in tickets:
        tokens = ticket_identities(ticket)
        documents.append(build_document(ticket, bodies.get(ticket.pk, []), tokens, now))
        identities += [TicketIdentity(ticket_id=ticket.pk, service_id=ticket.service_id, token=token)
                       for token in tokens if len(token) <= MAX_TOKEN_LENGTH]
    with transaction.atomic():
        TicketDocument.objects.filter(pk__in=ids).delete()
        TicketIdentity.objects.filter(ticket_id__in=ids).delete()
        TicketDocument.objects.bulk_create(documents)
        TicketIdentity.objects.bulk_create(identities)
    return len(documents)


@outbox.durable
def reindex_organisation(organisation_id: int) -> None:
    """An organisation was renamed or moved: its tickets' documents say where they are from."""
    ids = list(Ticket.objects.filter(organisation_id=organisation_id).order_by("pk")
               .values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        index_tickets(ids[start:start + 500])


def on_organisation_saved(sender, instance, created: bool, **kwargs) -> None:
    """post_save of an Organisation: a new one has no tickets yet; a changed one is reindexed
    after the commit, by the outbox (at least once; indexing is idempotent)."""
    if not created:
        outbox.defer(reindex_organisation, organisation_id=instance.pk)


def build_document(ticket: Ticket, bodies: list[str], tokens: list[str], now) -> TicketDocument:
    text, size = [], 0
    for body in bodies:
        if size >= MAX_TEXT_PER_TICKET:
            break
        part = body[:MAX_TEXT_PER_MESSAGE]
        text.append(part)
        size += len(part)
    return TicketDocument(
        ticket_id=ticket.pk,
        service_id=ticket.service_id,
        number=ticket.number,
        identities=f" {' '.join(tokens)} " if tokens else "",
        subject_lemmas=lemmas.lemmatise(ticket.subject),
        body_lemmas=with_place(lemmas.lemmatise("\n".join(text)), place_lemmas(place_text(ticket))),
        indexed_at=now,
    )


def place_text(ticket: Ticket) -> str:
    organisation = ticket.organisation
    parts = [organisation.name, organisation.city, organisation.region] if organisation else []
    fields = ticket.fields or {}
    parts += [value for key in PLACE_FIELDS if isinstance(value := fields.get(key), str)]
    return "\n".join(part for part in parts if part)


def place_lemmas(text: str) -> str:
    """The place's lemmas, each once («Тверь» is in the organisation and in the field)."""
    found = dict.fromkeys(lemmas.lemmatise(text).split())
    if SCHOOL_ABBREVIATIONS.intersection(found):
        found["школа"] = None
    return " ".join(found)


def with_place(body: str, place: str) -> str:
    """The conversation's lemmas, then the place's: searched together, as the conversation."""
    return f"{body} {place}" if body and place else body or place


def ticket_identities(ticket: Ticket) -> list[str]:
    """The requester's e-mail, login and phone, and those given in the request's fields
    (the e-school's «логин инициатора» and «логин, под которым наблюдается проблема»)."""
    emails, logins, phones = [], [], []
    requester = ticket.requester
    if requester is not None:
        emails.append(requester.email)
        logins.append(requester.login)
        phones.append(requester.phone)
    for key, value in (ticket.fields or {}).items():
        if not isinstance(value, str):
            continue
        if "email" in key:
            emails.append(value)
        elif "login" in key:
            logins.append(value)
        elif "phone" in key:
            phones.append(value)
    return identity_tokens(emails=emails, logins=logins, phones=phones)


def _bodies(ticket_ids: list[int]) -> dict[int, list[str]]:
    bodies: dict[int, list[str]] = defaultdict(list)
    rows = (Message.objects.filter(ticket_id__in=ticket_ids, kind__in=INDEXED_KINDS)
            .order_by("ticket_id", "created_at", "id").values_list("ticket_id", "body"))
    for ticket_id, body in rows:
        bodies[ticket_id].append(body)
    return bodies


CHECKPOINT = "tickets"


def reindex_all(*, batch_size: int = 500, restart: bool = False, progress=None) -> int:
    """Rebuild every ticket's document in batches of ascending ticket id.

    After each batch the last ticket id is saved, so a run that was interrupted continues
    after it; a finished run (or `restart`) starts from the first ticket. `progress` is
    called with `(done_in_batch, remaining_total)` — the remaining total once, before the
    first batch, then `(n, None)` per batch. Returns the number of documents written.
    """
    checkpoint, _ = ReindexCheckpoint.objects.get_or_create(name=CHECKPOINT)
    if restart or checkpoint.finished_at is not None:
        checkpoint.last_ticket_id, checkpoint.finished_at = 0, None
        checkpoint.started_at = timezone.now()
        checkpoint.save()
    remaining = Ticket.objects.filter(pk__gt=checkpoint.last_ticket_id)
    if progress:
        progress(0, remaining.count())
    written = 0
    while True:
        ids = list(Ticket.objects.filter(pk__gt=checkpoint.last_ticket_id).order_by("pk")
                   .values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        written += index_tickets(ids)
        checkpoint.last_ticket_id = ids[-1]
        checkpoint.save(update_fields=["last_ticket_id"])
        if progress:
            progress(len(ids), None)
    checkpoint.finished_at = timezone.now()
    checkpoint.save(update_fields=["finished_at"])
    return written
