"""Fold unfolded facts into daily figures and their weekly and monthly roll-ups: exactly
once, without blocking ticket changes.

Each batch is one transaction: the facts are claimed (`skip_locked`, so two folders take
different facts), summed per figure key in memory, added to the figures with one upsert per
key in a fixed order (daily figures first, then the roll-ups; within each table in key order,
so two folders never wait on each other in a cycle), and marked folded.
"""

from collections import Counter

from django.db import connection, transaction

from edudesk.core import bulk
from edudesk.reports.metrics import DIMENSIONS
from edudesk.reports.models import DailyFigure, Fact, PeriodFigure
from edudesk.reports.periods import ROLLUPS, period_start

BATCH = 5000
DAILY_KEYS = "dim, value, service_id, metric, day, group_id, bucket"
PERIOD_KEYS = "dim, value, service_id, grain, start, metric, group_id, bucket"

_DIM_VALUE = {
    "agent": lambda f: str(f.agent_id) if f.agent_id else "",
    "channel": lambda f: f.channel,
    "category": lambda f: f.category,
    "priority": lambda f: f.priority,
    "region": lambda f: f.region,
    "organisation": lambda f: str(f.organisation_id) if f.organisation_id else "",
}


def figure_keys(fact: Fact):
    """The daily figure rows one fact adds to: the totals and one row per dimension."""
    tail = (fact.service_id, fact.metric, fact.day, fact.group_id, fact.bucket)
    yield ("", "", *tail)
    for dim in DIMENSIONS:
        yield (dim, _DIM_VALUE[dim](fact), *tail)


def rollup_sums(daily: Counter) -> Counter:
    """Daily sums ({DAILY_KEYS: count}) summed per week and month ({PERIOD_KEYS: count})."""
    out: Counter = Counter()
    for (dim, value, service_id, metric, day, group_id, bucket), count in daily.items():
        for grain in ROLLUPS:
            out[(dim, value, service_id, grain, period_start(day, grain), metric, group_id,
                 bucket)] += count
    return out


def fold(batch: int = BATCH) -> int:
    """Fold every fact not yet folded; returns how many were folded."""
    if connection.vendor == "postgresql":
        return _fold_in_database(batch)
    folded = 0
    while True:
        with transaction.atomic():
            facts = list(Fact.objects.select_for_update(skip_locked=True).filter(folded=False)
                         .order_by("id")[:batch])
            if not facts:
                return folded
            sums: Counter = Counter()
            for fact in facts:
                for key in figure_keys(fact):
                    sums[key] += fact.count
            add_to_figures(sums)
            Fact.objects.filter(pk__in=[f.pk for f in facts]).update(folded=True)
            folded += len(facts)


# One row per figure key of a claimed fact: the totals and each dimension.
_EXPANDED = """
    FROM batch b CROSS JOIN LATERAL (VALUES
        ('', ''),
        ('agent', CASE WHEN b.agent_id <> 0 THEN b.agent_id::text ELSE '' END),
        ('channel', b.channel), ('category', b.category), ('priority', b.priority),
        ('region', b.region),
        ('organisation', CASE WHEN b.organisation_id <> 0 THEN b.organisation_id::text ELSE '' END)
    ) AS d(dim, value)"""


def _fold_in_database(batch: int) -> int:
    """The same fold as one statement per batch on PostgreSQL: claim, mark, sum, upsert.

    The facts are claimed and marked folded by the UPDATE … RETURNING, expanded into one
    row per figure key (the totals and each dimension), summed and added to the daily
    figures in key order, then (the roll-ups' INSERT waits for the daily one through its
    condition) summed per week and month into the roll-ups, all in the statement's own
    transaction."""
    fact, daily, rollup = Fact._meta.db_table, DailyFigure._meta.db_table, PeriodFigure._meta.db_table
    sql = f"""
        WITH batch AS (
            UPDATE {fact} SET folded = true WHERE id IN (
                SELECT id FROM {fact} WHERE NOT folded ORDER BY id LIMIT %s
                FOR UPDATE SKIP LOCKED)
            RETURNING *),
        added AS (
            INSERT INTO {daily} ({DAILY_KEYS}, count)
            SELECT d.dim, d.value, b.service_id, b.metric, b.day, b.group_id, b.bucket,
                   SUM(b.count)
            {_EXPANDED}
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            ORDER BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT ({DAILY_KEYS}) DO UPDATE SET count = {daily}.count + excluded.count
            RETURNING 0),
        rolled AS (
            INSERT INTO {rollup} ({PERIOD_KEYS}, count)
            SELECT d.dim, d.value, b.service_id, g.grain, date_trunc(g.grain, b.day::timestamp)::date,
                   b.metric, b.group_id, b.bucket, SUM(b.count)
            {_EXPANDED}
            CROSS JOIN (VALUES ('week'), ('month')) AS g(grain)
            WHERE (SELECT COUNT(*) FROM added) >= 0
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
            ON CONFLICT ({PERIOD_KEYS}) DO UPDATE SET count = {rollup}.count + excluded.count
            RETURNING 0)
        SELECT (SELECT COUNT(*) FROM batch), (SELECT COUNT(*) FROM added),
               (SELECT COUNT(*) FROM rolled)"""
    folded = 0
    with connection.cursor() as cursor:
        while True:
            with transaction.atomic():
                cursor.execute(sql, [batch])
                claimed = cursor.fetchone()[0]
            if not claimed:
                return folded
            folded += claimed


def write_folded(facts: list[Fact]) -> None:
    """Write new facts counted in the figures in the same transaction (the bulk import writes
    history so): on PostgreSQL inserted, then folded by the one-statement fold (which takes along
    any other unfolded facts, as the periodic fold would); elsewhere summed here and written
    folded, without the fold reading them back."""
    if connection.vendor == "postgresql":
        bulk.insert(Fact, facts, ids=False)
        _fold_in_database(BATCH)
        return
    sums: Counter = Counter()
    for fact in facts:
        fact.folded = True
        for key in figure_keys(fact):
            sums[key] += fact.count
    bulk.insert(Fact, facts, ids=False)
    add_to_figures(sums)


def add_to_figures(sums: Counter) -> None:
    """Add daily sums ({DAILY_KEYS: count}) to the daily figures and their roll-ups."""
    _upsert(DailyFigure._meta.db_table, DAILY_KEYS, sums)
    _upsert(PeriodFigure._meta.db_table, PERIOD_KEYS, rollup_sums(sums))


def _upsert(table: str, columns: str, sums: Counter) -> None:
    marks = ", ".join(["%s"] * (columns.count(",") + 2))
    sql = (f"INSERT INTO {table} ({columns}, count) VALUES ({marks}) "
           f"ON CONFLICT ({columns}) DO UPDATE SET count = {table}.count + excluded.count")
    rows = [(*key, count) for key, count in sorted(sums.items(), key=lambda item: _order(item[0]))
            if count]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _order(key: tuple) -> tuple:
    return tuple(str(part) for part in key)
