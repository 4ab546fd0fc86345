"""Fold unfolded facts into daily figures: exactly once, without blocking ticket changes.

Each batch is one transaction: the facts are claimed (`skip_locked`, so two folders take
different facts), summed per figure key in memory, added to the figures with one upsert per
key in a fixed order (two folders never wait on each other in a cycle), and marked folded.
"""

from collections import Counter

from django.db import connection, transaction

from edudesk.reports.metrics import DIMENSIONS
from edudesk.reports.models import DailyFigure, Fact

BATCH = 5000

_DIM_VALUE = {
    "agent": lambda f: str(f.agent_id) if f.agent_id else "",
    "channel": lambda f: f.channel,
    "category": lambda f: f.category,
    "priority": lambda f: f.priority,
    "region": lambda f: f.region,
    "organisation": lambda f: str(f.organisation_id) if f.organisation_id else "",
}


def figure_keys(fact: Fact):
    """The figure rows one fact adds to: the totals and one row per dimension."""
    tail = (fact.service_id, fact.metric, fact.day, fact.group_id, fact.bucket)
    yield ("", "", *tail)
    for dim in DIMENSIONS:
        yield (dim, _DIM_VALUE[dim](fact), *tail)


def fold(batch: int = BATCH) -> int:
    """Fold every fact not yet folded; returns how many were folded."""
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


def add_to_figures(sums: Counter) -> None:
    table = DailyFigure._meta.db_table
    columns = "dim, value, service_id, metric, day, group_id, bucket"
    sql = (f"INSERT INTO {table} ({columns}, count) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT ({columns}) DO UPDATE SET count = {table}.count + excluded.count")
    rows = [(*key, count) for key, count in sorted(sums.items(), key=lambda item: _order(item[0]))
            if count]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _order(key: tuple) -> tuple:
    return tuple(str(part) for part in key)
