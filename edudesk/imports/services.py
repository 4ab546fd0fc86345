"""Import tickets with their history from a previous help desk's export, in chunks.

Steps, for each chunk of lines (``chunk_size`` tickets):

1. every line is parsed and checked (``format.parse``); a line that fails is reported with its
   number and nothing of it is written; a reference already imported (``ImportedTicket``) or
   repeated in the file is skipped, so a re-run continues where the last one stopped;
2. in one transaction: the requesters are found or created by the intake's rules
   (``intake.requester.resolve``, once per distinct requester); the ticket numbers come from
   the numbering service's counter (``TicketNumber``), so they never collide with numbers
   handed out live, before or after; the ids of the rows are reserved (``ids.reserve``); each
   ticket's history is replayed in memory (``history.Replay``: events, SLA clocks, report
   facts); the rows of the whole chunk are inserted in bulk; the ledger row of each ticket
   keeps its old reference; the chunk's search documents are built (``search.indexing``);
   the chunk's report facts are written folded, with their figures (``folding.write_folded``).

No outbox entry is written for imported events: nobody is mailed or notified about history.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from edudesk.accounts.models import Contact
from edudesk.core import bulk
from edudesk.imports import ids as id_counter
from edudesk.imports.format import Context, LineError, TicketRecord, parse
from edudesk.imports.history import Ids, Replay, Rows
from edudesk.imports.models import ImportedTicket
from edudesk.intake import requester as requesters
from edudesk.reports.folding import write_folded
from edudesk.search.indexing import index_tickets
from edudesk.sla.models import SlaClock
from edudesk.tickets import services as ticket_services
from edudesk.tickets.models import Event, Message, Ticket, TicketNumber
from edudesk.tickets.numbering import format_number

CHUNK_SIZE = 500


@dataclass
class Result:
    imported: int = 0
    skipped: int = 0  # already imported (an earlier run) or repeated in the file
    errors: list[tuple[int, str]] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)  # reference → new number (this run)


def import_lines(lines: Iterable[str], *, chunk_size: int = CHUNK_SIZE, now: datetime | None = None,
                 progress: Callable[[int], None] = lambda n: None) -> Result:
    """Import the tickets of these lines (one JSON object each; blank lines are ignored)."""
    now = now or timezone.now()
    context = Context(now)
    importer = _Importer(context)
    numbered = ((n, text) for n, text in enumerate(lines, start=1) if text.strip())
    while chunk := list(itertools.islice(numbered, max(1, chunk_size))):
        importer.chunk(chunk)
        progress(len(chunk))
    return importer.result


class _Importer:
    def __init__(self, context: Context):
        self.context = context
        self.result = Result()
        self.seen: set[str] = set()
        # Requesters already resolved in this run: the same person on the next line costs nothing.
        self.requesters: dict[tuple, Contact] = {}

    def chunk(self, lines: list[tuple[int, str]]) -> None:
        records = [r for r in (self._parse(number, text) for number, text in lines) if r is not None]
        done = set(ImportedTicket.objects.filter(reference__in=[r.reference for r in records])
                   .values_list("reference", flat=True))
        self.result.skipped += sum(r.reference in done for r in records)
        records = [r for r in records if r.reference not in done]
        if not records:
            return
        with transaction.atomic():
            self._write(records)
        self.result.imported += len(records)

    def _parse(self, number: int, text: str) -> TicketRecord | None:
        try:
            record = parse(number, text, self.context)
        except LineError as error:
            self.result.errors.append((number, str(error)))
            return None
        if record.reference in self.seen:
            self.result.skipped += 1
            return None
        self.seen.add(record.reference)
        return record

    def _write(self, records: list[TicketRecord]) -> None:
        now = self.context.now
        people = [self._requester(r) for r in records]
        numbers = TicketNumber.objects.bulk_create(
            [TicketNumber(allocated_at=now) for _ in records])
        steps = sum(len(r.steps) for r in records)
        ids = Ids(ticket=id_counter.Block(Ticket, len(records)),
                  message=id_counter.Block(Message, len(records) + steps),
                  event=id_counter.Block(Event, 8 * len(records) + 3 * steps))
        rows = [Replay(record, number=format_number(record.service.number_prefix, number.pk),
                       requester=person, organisation=person.organisation, ids=ids, now=now).run()
                for record, person, number in zip(records, people, numbers, strict=True)]
        _insert(rows)
        write_folded([f for row in rows for f in row.facts])
        pairs = list(zip(records, rows, strict=True))
        bulk.insert(ImportedTicket, [ImportedTicket(reference=r.reference, ticket_id=row.ticket.pk,
                                                    imported_at=now) for r, row in pairs], ids=False)
        index_tickets(row.ticket.pk for row in rows)
        self.result.numbers.update((r.reference, row.ticket.number) for r, row in pairs)

    def _requester(self, record: TicketRecord) -> Contact:
        who = record.requester
        key = (record.service.pk, dataclasses.astuple(who))
        contact = self.requesters.get(key)
        if contact is None:
            contact = requesters.resolve(record.service, who)
            self.requesters[key] = contact
        return contact


def _insert(rows: list[Rows]) -> None:
    ticket_services.write_imported([row.ticket for row in rows],
                                   [m for row in rows for m in row.messages],
                                   [e for row in rows for e in row.events])
    bulk.insert(SlaClock, [c for row in rows for c in row.clocks], ids=False)

