"""A realistic support data set: services, schools and companies, customers, tickets, conversations.

Proportions follow a busy regional e-school and an LMS vendor: most tickets are old and closed,
the last two weeks hold the open work, a few customers write often, 1–6 messages per ticket.
Rows are plain dicts keyed by model attribute names, with ids assigned here so that tickets,
messages, events and SLA clocks can be written in bulk without reading ids back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vocabulary import (
    AGENT_REPLIES,
    BROWSERS,
    COMPANY_KINDS,
    COMPANY_WORDS,
    CUSTOMER_REPLIES,
    DETAILS,
    FEMALE_NAMES,
    FEMALE_PATRONYMICS,
    INTERNAL_NOTES,
    LMS_OBJECTS,
    MALE_NAMES,
    MALE_PATRONYMICS,
    PROBLEMS,
    REGIONS,
    SCHOOL_KINDS,
    SCHOOL_OBJECTS,
    SURNAMES,
    TRANSLIT,
)

SERVICES = (
    # code, name, prefix, share of tickets, kind of organisations
    ("eschool", "АИС «Электронная школа»", "INC", 0.6, "school"),
    ("uchipro", "Учи.Про СДО", "UP", 0.3, "company"),
    ("university", "Университетская СДО", "UNI", 0.1, "company"),
)
PRIORITIES = (("normal", 75), ("high", 15), ("low", 7), ("critical", 3))
CHANNELS = (("email", 45), ("web", 25), ("widget", 20), ("phone", 7), ("api", 3))
CATEGORIES = ("error", "other", "suggestion", "course", "test", "")
# Status mix by the ticket's age: new requests are open, old ones are mostly closed.
FRESH = (("registered", 35), ("in_processing", 25), ("needs_clarification", 10), ("in_work", 20),
         ("answered", 10))
RECENT = (("in_processing", 4), ("needs_clarification", 8), ("clarification_sent", 5), ("in_work", 16),
          ("answered", 20), ("resolved", 40), ("cancelled", 4), ("suggestion", 3))
OLD = (("resolved", 88), ("cancelled", 7), ("suggestion", 4), ("in_work", 1))
MESSAGE_COUNTS = ((1, 30), (2, 25), (3, 20), (4, 12), (5, 8), (6, 5))
CLOSED = {"resolved", "cancelled"}
ANSWERED = {"answered", "resolved", "suggestion"}


def weighted(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.7:  # most teachers and school administrators are women
        return f"{surname}а {rng.choice(FEMALE_NAMES)} {rng.choice(FEMALE_PATRONYMICS)}"
    return f"{surname} {rng.choice(MALE_NAMES)} {rng.choice(MALE_PATRONYMICS)}"


def login_for(full_name: str, n: int) -> str:
    surname, first, patronymic = full_name.lower().split()
    initials = (first[0] + patronymic[0]).translate(TRANSLIT)
    return f"{surname.translate(TRANSLIT)}_{initials}{n}"


@dataclass
class Sizes:
    """How many organisations, customers and agents a data set of `tickets` tickets has."""

    tickets: int
    organisations: int = 0
    contacts: int = 0
    agents: int = 0

    def __post_init__(self):
        self.organisations = self.organisations or max(30, min(5000, self.tickets // 200))
        self.contacts = self.contacts or max(200, min(60_000, self.tickets // 16))
        self.agents = self.agents or max(6, min(300, self.tickets // 3000))


@dataclass
class ServiceRef:
    id: int
    code: str
    prefix: str
    share: float
    group_id: int
    agent_ids: list[int]
    contacts: list[tuple[int, int | None, str, str]] = field(default_factory=list)
    # A few customers write a lot: the first tenth of the contacts get half of the tickets.
    def pick_contact(self, rng: random.Random):
        pool = self.contacts
        if rng.random() < 0.5:
            return pool[rng.randrange(max(1, len(pool) // 10))]
        return pool[rng.randrange(len(pool))]


@dataclass
class Ids:
    """Next free ids of the tables written in bulk (read once per stage, then counted here)."""

    number: int
    ticket: int
    message: int
    event: int
    clock: int


@dataclass
class Chunk:
    numbers: list[dict] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    clocks: list[dict] = field(default_factory=list)


def organisation_rows(rng: random.Random, service_code: str, kind: str, count: int) -> list[dict]:
    rows = []
    for n in range(count):
        region, cities = rng.choice(REGIONS)
        if kind == "school":
            name = rng.choice(SCHOOL_KINDS).format(n=n + 1)
        else:
            name = rng.choice(COMPANY_KINDS).format(w=rng.choice(COMPANY_WORDS)) + f" {n + 1}"
        lms = f"https://{service_code}-{n + 1}.lms.example" if kind == "company" else ""
        rows.append({"name": name, "city": rng.choice(cities), "region": region, "lms_url": lms})
    return rows


def contact_rows(rng: random.Random, org_ids: list[int], count: int, roles: tuple[str, ...],
                 start: int) -> list[dict]:
    rows = []
    for n in range(start, start + count):
        full_name = person_name(rng)
        login = login_for(full_name, n)
        rows.append({
            "organisation_id": rng.choice(org_ids), "full_name": full_name, "login": login,
            "email": f"{login}@school{n % 997}.example", "role": rng.choice(roles),
            "phone": f"+7 9{rng.randrange(10**8, 10**9)}", "is_org_admin": rng.random() < 0.03,
        })
    return rows


def _text(rng: random.Random, template: str, login: str, name: str, now: datetime) -> str:
    if "{" not in template:
        return template
    day = (now - timedelta(days=rng.randrange(1, 60))).strftime("%d.%m.%Y")
    return template.format(login=login, name=name, date=day, obj="")


def problem_text(rng: random.Random, service: ServiceRef, login: str, name: str, now: datetime):
    objects = SCHOOL_OBJECTS if service.code == "eschool" else LMS_OBJECTS
    problem = rng.choice(PROBLEMS).format(obj=rng.choice(objects), login=login)
    subject = problem[0].upper() + problem[1:]
    details = [_text(rng, rng.choice(DETAILS), login, name, now) for _ in range(rng.randint(1, 4))]
    description = f"Добрый день! {subject}. " + " ".join(details) + f"\n\nС уважением, {name}"
    return subject[:200], description


class TicketGenerator:
    """Produces chunks of tickets with their numbers, messages, events and SLA clocks."""

    def __init__(self, rng: random.Random, services: list[ServiceRef], now: datetime):
        self.rng = rng
        self.services = services
        self.weights = [s.share for s in services]
        self.now = now

    def chunk(self, ids: Ids, count: int) -> Chunk:
        chunk = Chunk()
        for _ in range(count):
            self._ticket(chunk, ids)
        return chunk

    def _age(self) -> timedelta:
        rng = self.rng
        bucket = rng.random()
        if bucket < 0.03:
            return timedelta(minutes=rng.uniform(1, 24 * 60))
        if bucket < 0.15:
            return timedelta(days=rng.uniform(1, 14))
        return timedelta(days=min(730.0, 14 + rng.expovariate(1 / 200)))

    def _ticket(self, chunk: Chunk, ids: Ids) -> None:
        rng, now = self.rng, self.now
        service = rng.choices(self.services, self.weights)[0]
        contact_id, org_id, login, name = service.pick_contact(rng)
        age = self._age()
        created = now - age
        mix = FRESH if age < timedelta(days=1) else RECENT if age < timedelta(days=14) else OLD
        status = weighted(rng, mix)
        subject, description = problem_text(rng, service, login, name, now)
        assignee = None if status == "registered" else rng.choice(service.agent_ids)
        span = min(age, timedelta(days=rng.uniform(0.05, 6)))
        updated = created + span
        review_span = min(span, timedelta(minutes=rng.uniform(3, 90)))
        reviewed = None if status == "registered" else created + review_span
        answered = created + span * 0.8 if status in ANSWERED else None
        closed = updated if status in CLOSED else None
        number = ids.number
        ids.number += 1
        ticket_id = ids.ticket
        ids.ticket += 1
        chunk.numbers.append({"id": number, "allocated_at": created})
        chunk.tickets.append({
            "id": ticket_id, "number": f"{service.prefix}{number:07d}", "service_id": service.id,
            "organisation_id": org_id, "requester_id": contact_id, "subject": subject,
            "category": rng.choice(CATEGORIES),
            "priority": weighted(rng, PRIORITIES), "status": status, "channel": weighted(rng, CHANNELS),
            "group_id": service.group_id, "assignee_id": assignee,
            "fields": {"region": "", "initiator_login": login, "browser": rng.choice(BROWSERS)},
            "review_due_at": created + timedelta(hours=1), "due_at": created + timedelta(days=2),
            "sla_flag": "", "reviewed_at": reviewed, "answered_at": answered, "closed_at": closed,
            "created_at": created, "updated_at": updated,
        })
        first_message = self._messages(chunk, ids, ticket_id, status, contact_id, assignee,
                                       description, login, name, created, updated)
        self._events(chunk, ids, ticket_id, status, contact_id, assignee, first_message, created, updated)
        breached = self._clocks(chunk, ids, ticket_id, status, created, reviewed, answered)
        if breached and status not in CLOSED:
            chunk.tickets[-1]["sla_flag"] = "breached"

    def _messages(self, chunk, ids, ticket_id, status, contact_id, assignee, description, login, name,
                  created, updated) -> int:
        rng = self.rng
        count = 1 if status == "registered" else weighted(rng, MESSAGE_COUNTS)
        if status in ANSWERED:
            count = max(2, count)
        first = ids.message
        for n in range(count):
            at = created + (updated - created) * (n / max(1, count - 1)) if n else created
            row = {"id": ids.message, "ticket_id": ticket_id, "created_at": at, "channel": "email",
                   "kind": "public", "author_user_id": None, "author_contact_id": None}
            if n == 0:
                row.update(body=description, author_contact_id=contact_id, opens_id=ticket_id)
            elif n % 2 == 1 and assignee is not None:
                internal = rng.random() < 0.1
                row.update(kind="internal" if internal else "public", author_user_id=assignee,
                           body=rng.choice(INTERNAL_NOTES if internal else AGENT_REPLIES))
            else:
                row.update(author_contact_id=contact_id,
                           body=_text(rng, rng.choice(CUSTOMER_REPLIES), login, name, self.now))
            chunk.messages.append(row)
            ids.message += 1
        return first

    def _events(self, chunk, ids, ticket_id, status, contact_id, assignee, first_message, created, updated):
        chunk.events.append({
            "id": ids.event, "ticket_id": ticket_id, "kind": "created", "actor_kind": "customer",
            "actor_contact_id": contact_id, "actor_user_id": None, "old": None,
            "new": {"status": "registered"}, "data": {"message_id": first_message}, "created_at": created,
        })
        ids.event += 1
        if status != "registered":
            chunk.events.append({
                "id": ids.event, "ticket_id": ticket_id, "kind": "status_changed", "actor_kind": "agent",
                "actor_user_id": assignee, "actor_contact_id": None, "old": {"status": "registered"},
                "new": {"status": status}, "data": {}, "created_at": updated,
            })
            ids.event += 1

    def _clocks(self, chunk, ids, ticket_id, status, created, reviewed, answered) -> bool:
        """Review and solution clocks as the SLA sweep would have left them; True if one was breached."""
        breached_any = False
        for kind, target, stop in (("review", timedelta(hours=1), reviewed),
                                   ("solution", timedelta(hours=16), answered)):
            due = created + target * (3 if kind == "solution" else 1)
            warn = created + (due - created) * 0.8
            row = {"id": ids.clock, "ticket_id": ticket_id, "kind": kind, "target": target,
                   "started_at": created, "due_at": due, "warn_at": warn, "paused_at": None,
                   "paused_working": timedelta(0), "stopped_at": None, "breached": False,
                   "warned_at": None, "escalated_at": None, "state": "running"}
            ids.clock += 1
            if stop is not None or status in CLOSED:
                stopped = stop or created + timedelta(hours=1)
                row.update(state="cancelled" if status == "cancelled" and stop is None else "met",
                           stopped_at=stopped, breached=stopped > due)
                if row["breached"]:
                    row["state"] = "breached"
            else:
                if status == "needs_clarification":
                    row.update(state="paused", paused_at=created + timedelta(minutes=30))
                if warn <= self.now:
                    row["warned_at"] = warn
                if due <= self.now:
                    row.update(escalated_at=due, breached=True)
            breached_any = breached_any or row["breached"]
            chunk.clocks.append(row)
        return breached_any
