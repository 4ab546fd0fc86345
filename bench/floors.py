"""The raw insert floor: the rows one API creation writes, inserted straight through the driver.

Per ticket, in one transaction like the API: a TicketNumber, the Ticket, its first Message, its
«created» Event and its two SLA clocks. psycopg on PostgreSQL, sqlite3 on SQLite; one connection
per client thread, the same concurrency as the API measurement. The rows are deleted afterwards.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
from dataset import Ids, TicketGenerator
from django.db import connection, models
from load import Result, run_threads
from seed import _copy_value

from edudesk.sla.models import SlaClock
from edudesk.tickets.models import Event, Message, Ticket, TicketNumber


class Inserter:
    def __init__(self, vendor: str, dsn: str):
        self.vendor = vendor
        self.dsn = dsn
        self.mark = "%s" if vendor == "postgresql" else "?"

    def connect(self):
        if self.vendor == "postgresql":
            return psycopg.connect(self.dsn)
        conn = sqlite3.connect(self.dsn, timeout=60, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=60000")
        return conn

    def sql(self, model: type[models.Model]) -> tuple[str, list[models.Field]]:
        fields = [f for f in model._meta.concrete_fields
                  if not (f.primary_key and isinstance(f, models.AutoField))]
        columns = ", ".join(f'"{f.column}"' for f in fields)
        marks = ", ".join([self.mark] * len(fields))
        return f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({marks}) RETURNING id', fields

    def value(self, field: models.Field, row: dict, now: datetime):
        value = _copy_value(field, row, now)
        if self.vendor == "postgresql":
            return value
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(value, timedelta):
            return round(value.total_seconds() * 1_000_000)
        return value


def _insert(cursor, inserter: Inserter, statements, model, row: dict, now: datetime) -> int:
    sql, fields = statements[model]
    cursor.execute(sql, [inserter.value(f, row, now) for f in fields])
    return cursor.fetchone()[0]


def insert_ticket(conn, inserter: Inserter, statements, rows, now: datetime) -> int:
    ticket, message, event, clocks = rows
    cursor = conn.cursor()
    cursor.execute("BEGIN IMMEDIATE" if inserter.vendor == "sqlite" else "BEGIN")
    number = _insert(cursor, inserter, statements, TicketNumber, {"allocated_at": now}, now)
    ticket_id = _insert(cursor, inserter, statements, Ticket,
                        {**ticket, "number": f"FLR{number:07d}"}, now)
    message_id = _insert(cursor, inserter, statements, Message,
                         {**message, "ticket_id": ticket_id, "opens_id": ticket_id}, now)
    _insert(cursor, inserter, statements, Event,
            {**event, "ticket_id": ticket_id, "data": {"message_id": message_id}}, now)
    for clock in clocks:
        _insert(cursor, inserter, statements, SlaClock, {**clock, "ticket_id": ticket_id}, now)
    cursor.execute("COMMIT")
    return ticket_id


def floor_rows(generator: TicketGenerator, count: int) -> list[tuple]:
    chunk = generator.chunk(Ids(number=0, ticket=0, message=0, event=0, clock=0), count)
    by_ticket: dict[int, list] = {t["id"]: [t, None, None, []] for t in chunk.tickets}
    for message in chunk.messages:
        by_ticket[message["ticket_id"]][1] = by_ticket[message["ticket_id"]][1] or message
    for event in chunk.events:
        if event["kind"] == "created":
            by_ticket[event["ticket_id"]][2] = event
    for clock in chunk.clocks:
        by_ticket[clock["ticket_id"]][3].append(clock)
    strip = ("id",)
    return [tuple({k: v for k, v in part.items() if k not in strip} if isinstance(part, dict)
                  else [{k: v for k, v in c.items() if k not in strip} for c in part]
                  for part in rows) for rows in by_ticket.values()]


def measure_insert_floor(dsn: str, generator: TicketGenerator, count: int, concurrency: int) -> Result:
    vendor = connection.vendor
    inserter = Inserter(vendor, dsn)
    statements = {m: inserter.sql(m) for m in (TicketNumber, Ticket, Message, Event, SlaClock)}
    work = floor_rows(generator, count)
    result = Result(name=f"floor: raw insert, concurrency {concurrency}", concurrency=concurrency)
    lock = threading.Lock()
    created: list[int] = []
    pending = iter(work)

    def worker():
        conn = inserter.connect()
        while True:
            with lock:
                rows = next(pending, None)
            if rows is None:
                break
            started = time.perf_counter()
            ticket_id = insert_ticket(conn, inserter, statements, rows, datetime.now(UTC))
            with lock:
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                result.requests += 1
                created.append(ticket_id)
        conn.close()

    result.seconds = run_threads(worker, concurrency)
    # The floor's rows are not part of the data set.
    Ticket.objects.filter(id__in=created).delete()
    return result
