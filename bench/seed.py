"""Writing the benchmark data set: a fresh database, base data through the ORM, tickets in bulk.

Tickets and everything hanging off them go in with COPY on PostgreSQL and bulk_create on SQLite,
in chunks of a few thousand tickets per transaction. Ticket numbers are TicketNumber primary keys
exactly as ``tickets.numbering`` allocates them, and the sequences are moved past the seeded ids,
so tickets created later through the API get the next numbers.
"""

from __future__ import annotations

import json
import random
from datetime import datetime

from dataset import SERVICES, Chunk, Ids, ServiceRef, Sizes, TicketGenerator, contact_rows, organisation_rows
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from tqdm import tqdm

from edudesk.accounts.models import ApiToken, Contact, Organisation, Role, Service, SupportGroup, User
from edudesk.search.indexing import index_tickets
from edudesk.sla.models import SlaClock
from edudesk.tickets.models import Event, Message, Ticket, TicketNumber

CHUNK = 5000
BULK_MODELS = (TicketNumber, Ticket, Message, Event, SlaClock)
SCHOOL_ROLES = (Role.SCHOOL_TEACHER, Role.SCHOOL_TEACHER, Role.SCHOOL_ADMIN, Role.PARENT, Role.STUDENT)
LMS_ROLES = (Role.LEARNER, Role.LEARNER, Role.TEACHER, Role.MANAGER, Role.ADMINISTRATOR)


class BaseData:
    """What the measurements need from the seeded world: services, tokens, a busy customer."""

    def __init__(self, services: list[ServiceRef], agent_token: str, customer_token: str,
                 customer_login: str):
        self.services = services
        self.agent_token = agent_token
        self.customer_token = customer_token
        self.customer_login = customer_login


# --- writing rows -------------------------------------------------------------------------------

def _copy_value(field: models.Field, row: dict, now: datetime):
    if field.attname in row:
        value = row[field.attname]
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = now
    else:
        value = field.get_default()
    if isinstance(field, models.JSONField) and value is not None:
        return json.dumps(value, ensure_ascii=False)
    return value


def write_rows(model: type[models.Model], rows: list[dict], now: datetime) -> None:
    """Insert rows (dicts keyed by attribute name) in bulk; unspecified columns get their defaults."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=500)
        return
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    statement = f"COPY {table} ({columns}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_copy_value(f, row, now) for f in fields])


def write_chunk(chunk: Chunk, now: datetime, *, lean: bool = False) -> None:
    """Write one chunk; `lean` leaves out the messages and search documents (for benches that
    read neither, such as the reports)."""
    with transaction.atomic():
        write_rows(TicketNumber, chunk.numbers, now)
        write_rows(Ticket, chunk.tickets, now)
        if not lean:
            write_rows(Message, chunk.messages, now)
        write_rows(Event, chunk.events, now)
        write_rows(SlaClock, chunk.clocks, now)
    if not lean:
        # Search documents as the search app's event handler would have built them.
        index_tickets(row["id"] for row in chunk.tickets)


def reset_sequences() -> None:
    """Move PostgreSQL's id sequences past the ids written explicitly (SQLite tracks this itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), BULK_MODELS):
            cursor.execute(sql)


def next_ids() -> Ids:
    def after(model) -> int:
        return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    return Ids(number=after(TicketNumber), ticket=after(Ticket), message=after(Message),
               event=after(Event), clock=after(SlaClock))


def analyse() -> None:
    """Planner statistics and visibility maps as autovacuum keeps them on a database that grew slowly."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- the data set ---------------------------------------------------------------------------------

def prepare_database() -> None:
    call_command("migrate", verbosity=0, interactive=False)


def create_base(sizes: Sizes, rng: random.Random) -> BaseData:
    """Services, support lines, agents, organisations and customers for a data set of this size."""
    password = make_password("bench-password-1")
    services: list[ServiceRef] = []
    bench_agent = User.objects.create(username="bench-agent", kind=User.Kind.SUPERVISOR,
                                      full_name="Нагрузочный Тест", password=password)
    contact_start = 0
    for code, name, prefix, share, kind in tqdm(SERVICES, desc="organisations and customers", unit="service"):
        service, _ = Service.objects.update_or_create(
            code=code, defaults={"name": name, "number_prefix": prefix})
        group, _ = SupportGroup.objects.get_or_create(service=service, name="Первая линия",
                                                      defaults={"is_default": True})
        SupportGroup.objects.get_or_create(service=service, name="Вторая линия")
        agent_count = max(2, round(sizes.agents * share))
        agents = User.objects.bulk_create([
            User(username=f"{code}-agent-{n}", kind=User.Kind.AGENT, password=password,
                 full_name=f"Специалист {n} ({name})") for n in range(agent_count)])
        User.services.through.objects.bulk_create(
            [User.services.through(user_id=a.pk, service_id=service.pk) for a in agents])
        group.members.add(*agents)
        bench_agent.services.add(service)
        org_rows = organisation_rows(rng, code, kind, max(5, round(sizes.organisations * share)))
        orgs = Organisation.objects.bulk_create([Organisation(service=service, **r) for r in org_rows],
                                                batch_size=1000)
        count = max(50, round(sizes.contacts * share))
        roles = SCHOOL_ROLES if kind == "school" else LMS_ROLES
        rows = contact_rows(rng, [o.pk for o in orgs], count, roles, contact_start)
        contact_start += count
        contacts = Contact.objects.bulk_create([Contact(service=service, **r) for r in rows], batch_size=1000)
        ref = ServiceRef(id=service.pk, code=code, prefix=prefix, share=share, group_id=group.pk,
                         agent_ids=[a.pk for a in agents])
        ref.contacts = [(c.pk, c.organisation_id, c.login, c.full_name) for c in contacts]
        services.append(ref)
    # The busiest customer of the e-school (first of the pool that gets half of the tickets).
    customer_id, _org, customer_login, _name = services[0].contacts[0]
    _, agent_token = ApiToken.issue(user=bench_agent, name="bench")
    _, customer_token = ApiToken.issue(contact=Contact.objects.get(pk=customer_id), name="bench")
    return BaseData(services, agent_token, customer_token, customer_login)


def load_base() -> BaseData:
    """The BaseData of a database that create_base seeded before (bench/run.py --reuse): the same
    services, agents and customers in the same order; new tokens (raw tokens are never stored)."""
    services: list[ServiceRef] = []
    for code, _name, prefix, share, _kind in SERVICES:
        service = Service.objects.get(code=code)
        group = SupportGroup.objects.get(service=service, name="Первая линия")
        agent_ids = list(User.objects.filter(username__startswith=f"{code}-agent-", kind=User.Kind.AGENT)
                         .order_by("id").values_list("id", flat=True))
        ref = ServiceRef(id=service.pk, code=code, prefix=prefix, share=share, group_id=group.pk,
                         agent_ids=agent_ids)
        # Seeded customers only: those the measurements created since (mail ingest) have no login.
        ref.contacts = list(Contact.objects.filter(service=service).exclude(login="").order_by("id")
                            .values_list("id", "organisation_id", "login", "full_name"))
        services.append(ref)
    customer_id, _org, customer_login, _name = services[0].contacts[0]
    bench_agent = User.objects.get(username="bench-agent")
    _, agent_token = ApiToken.issue(user=bench_agent, name="bench")
    _, customer_token = ApiToken.issue(contact=Contact.objects.get(pk=customer_id), name="bench")
    return BaseData(services, agent_token, customer_token, customer_login)


def seed_tickets(base: BaseData, target: int, now: datetime, rng: random.Random, *,
                 lean: bool = False) -> float:
    """Add tickets until the database holds `target` of them; returns seconds spent."""
    import time

    started = time.perf_counter()
    have = Ticket.objects.count()
    missing = max(0, target - have)
    generator = TicketGenerator(rng, base.services, now)
    ids = next_ids()
    with tqdm(total=missing, desc=f"tickets → {target:,}", unit="ticket", unit_scale=True) as bar:
        while missing > 0:
            size = min(CHUNK, missing)
            write_chunk(generator.chunk(ids, size), now, lean=lean)
            missing -= size
            bar.update(size)
    reset_sequences()
    analyse()
    return time.perf_counter() - started
