"""Reports benchmark: the supervisors' board and a 12-month report over N tickets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudesk_reports_bench \\
        .venv/bin/python bench/reports_bench.py --n 100000

Seeds a fresh database with the benchmark data set (bench/seed.py), writes the reports' facts
for it in one statement (one per counted change a ticket of that shape would have had:
created, closed, backlog, clarification, SLA outcomes from its clocks), folds them into the
daily figures and their roll-ups, then times the pages in-process through Django's test
client (routing, views, queries and templates; no network), printing wall time and CPU time
(this process's and its PostgreSQL backend's) p50/p95, and writing
var/bench/reports_bench_<N>.txt. `--lean` seeds without messages and search documents
(faster; the reports read neither); `--resume` adds the missing tickets to an interrupted
seeding.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
os.environ.pop("REDIS_URL", None)
OUT = ROOT / "var" / "bench"  # reports_bench_<N>.txt
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/edudesk_reports_bench"


def recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def write_facts() -> int:
    """Facts for every seeded ticket, in one statement (the seed writes rows, not events through
    services): created and backlog +1 on its local creation day; for three tickets in ten
    (chosen by a hash of the id) «needed a clarification» and one wait of 5–3000 working
    minutes; resolved or cancelled and backlog −1 on its closing day; each SLA clock stopped
    met or breached with its working minutes, on its stopping day. A ticket counts in its
    current slice (status, line, assignee, channel, category, priority, organisation, region)."""
    from django.db import connection

    from edudesk.accounts.models import Organisation, Service
    from edudesk.reports import metrics as m
    from edudesk.reports.models import Fact
    from edudesk.sla.calendars import calendar_for
    from edudesk.sla.models import SlaClock
    from edudesk.tickets.models import Ticket

    zones = ", ".join(f"({service.pk}, '{calendar_for(service).zone.key}')"
                      for service in Service.objects.all())
    columns = ("ticket_id, day, service_id, group_id, agent_id, channel, category, priority, "
               "organisation_id, region, metric, bucket, count, folded")
    slice_ = ("t.id, {day}, t.service_id, t.group_id, t.agent_id, t.channel, t.category, "
              "t.priority, t.organisation_id, t.region, {metric}, {bucket}, {count}, false")
    created = "(t.created_at AT TIME ZONE t.zone)::date"
    closed = "(t.closed_at AT TIME ZONE t.zone)::date"
    closing = f"CASE WHEN t.status = 'resolved' THEN '{m.RESOLVED}' ELSE '{m.CANCELLED}' END"
    clarified = "abs(hashtext(t.id::text)) % 1000 < 300"
    wait = "(5 + abs(hashtext(t.id::text || 'wait')) % 2996)"
    clock_minutes = "greatest(0, ceil(extract(epoch FROM c.stopped_at - c.started_at) / 60))::int"

    def row(day, metric, bucket="0", count="1"):
        return "SELECT " + slice_.format(day=day, metric=metric, bucket=bucket, count=count)

    sql = f"""
        WITH t AS (
            SELECT t.id, t.service_id, coalesce(t.group_id, 0) AS group_id,
                   coalesce(t.assignee_id, 0) AS agent_id, t.channel, t.category, t.priority,
                   coalesce(t.organisation_id, 0) AS organisation_id,
                   coalesce(o.region, '') AS region, t.status, t.created_at, t.closed_at, z.zone
            FROM {Ticket._meta.db_table} t
            JOIN (VALUES {zones}) AS z(service_id, zone) ON z.service_id = t.service_id
            LEFT JOIN {Organisation._meta.db_table} o ON o.id = t.organisation_id)
        INSERT INTO {Fact._meta.db_table} ({columns})
        {row(created, f"'{m.CREATED}'")} FROM t
        UNION ALL {row(created, f"'{m.BACKLOG}'")} FROM t
        UNION ALL {row(created, f"'{m.CLARIFIED}'")} FROM t WHERE {clarified}
        UNION ALL {row(created, f"'{m.CLARIFICATION_WAIT}'", bucket_sql(wait))} FROM t WHERE {clarified}
        UNION ALL {row(closed, closing)}
            FROM t WHERE t.closed_at IS NOT NULL
        UNION ALL {row(closed, f"'{m.BACKLOG}'", count="-1")} FROM t WHERE t.closed_at IS NOT NULL
        UNION ALL {row("(c.stopped_at AT TIME ZONE t.zone)::date", "'sla_' || c.kind || '_' || c.state",
                       bucket_sql(clock_minutes))}
            FROM t JOIN {SlaClock._meta.db_table} c ON c.ticket_id = t.id
            WHERE c.state IN ('met', 'breached')"""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def figures_in_bulk() -> None:
    """The daily figures and their roll-ups of every fact at once, the facts marked folded: what
    `folding.fold` gives (the exactness tests check that), as a few grouped INSERT … SELECTs
    into empty tables instead of one upsert per figure (hours at a million tickets on a loaded
    machine)."""
    from django.db import connection, transaction

    from edudesk.reports.folding import DAILY_KEYS, PERIOD_KEYS
    from edudesk.reports.metrics import DIMENSIONS
    from edudesk.reports.models import DailyFigure, Fact, PeriodFigure

    values = {"": "''", "agent": "CASE WHEN agent_id <> 0 THEN agent_id::text ELSE '' END",
              "organisation": "CASE WHEN organisation_id <> 0 THEN organisation_id::text ELSE '' END",
              **{dim: dim for dim in DIMENSIONS if dim not in ("agent", "organisation")}}
    fact, daily, rollup = Fact._meta.db_table, DailyFigure._meta.db_table, PeriodFigure._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        assert not DailyFigure.objects.exists() and not PeriodFigure.objects.exists()
        for dim, value in values.items():
            cursor.execute(f"""
                INSERT INTO {daily} ({DAILY_KEYS}, count)
                SELECT '{dim}', {value}, service_id, metric, day, group_id, bucket, SUM(count)
                FROM {fact} GROUP BY 2, service_id, metric, day, group_id, bucket
                HAVING SUM(count) <> 0""")
        for grain in ("week", "month"):
            cursor.execute(f"""
                INSERT INTO {rollup} ({PERIOD_KEYS}, count)
                SELECT dim, value, service_id, '{grain}', date_trunc('{grain}', day::timestamp)::date,
                       metric, group_id, bucket, SUM(count)
                FROM {daily} GROUP BY dim, value, service_id, 5, metric, group_id, bucket
                HAVING SUM(count) <> 0""")
        cursor.execute(f"UPDATE {fact} SET folded = true WHERE NOT folded")


def bucket_sql(minutes: str) -> str:
    """metrics.bucket in SQL: the bucket (its upper bound) of a number of working minutes."""
    from edudesk.reports import metrics as m

    steps = " ".join(f"WHEN {minutes} <= {limit} THEN ceil({minutes}::numeric / {step})::int * {step}"
                     for limit, step in m._LADDER)
    return f"(CASE {steps} ELSE ceil({minutes}::numeric / {m._LAST_STEP})::int * {m._LAST_STEP} END)"


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[max(0, round(0.95 * len(samples)) - 1)]


def timed(client, url: str, runs: int) -> dict:
    """Wall time, and CPU time (this process's plus its PostgreSQL backend's: what a request
    costs whatever else the shared machine runs) per request, p50 and p95; queries of one."""
    from queue_bench import QueryLog, backend_cpu_ms

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    with QueryLog() as log:
        client.get(url)
    walls, cpus, pythons = [], [], []
    for _ in range(runs):
        backend, python, began = backend_cpu_ms(), time.process_time(), time.perf_counter()
        response = client.get(url)
        walls.append((time.perf_counter() - began) * 1000)
        pythons.append((time.process_time() - python) * 1000)
        cpus.append(pythons[-1] + backend_cpu_ms()[1] - backend[1])
        assert response.status_code == 200
    return {"wall": percentiles(walls), "cpu": percentiles(cpus),
            "python": statistics.median(pythons), "queries": len(log.queries),
            "sql_ms": sum(ms for ms, _sql in log.queries)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="tickets")
    parser.add_argument("--runs", type=int, default=40, help="requests per measurement")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the seeded tickets of an earlier run; write their facts and figures again")
    parser.add_argument("--measure-only", action="store_true",
                        help="keep the seeded and folded database of an earlier run as it is")
    parser.add_argument("--refold", action="store_true",
                        help="with --reuse: keep the facts too, compute the figures again")
    parser.add_argument("--profile", action="store_true",
                        help="print each page's queries and where its Python time goes first")
    parser.add_argument("--resume", action="store_true",
                        help="add the missing tickets to an interrupted seeding, then facts and folding")
    parser.add_argument("--lean", action="store_true",
                        help="seed tickets without messages and search documents (reports read neither)")
    args = parser.parse_args(argv)
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not (args.reuse or args.measure_only or args.resume):
        recreate(url)

    import django

    django.setup()
    from dataset import Sizes
    from django.db import connection
    from django.test import Client
    from seed import analyse, create_base, load_base, prepare_database, seed_tickets

    from edudesk.accounts.models import User
    from edudesk.reports.models import DailyFigure, Fact, PeriodFigure

    rng = random.Random(5)
    now = datetime.now(UTC)
    began = time.perf_counter()
    if args.measure_only:
        facts = Fact.objects.count()
    else:
        prepare_database()
        if not args.reuse:
            base = load_base() if args.resume else create_base(Sizes(args.n), rng)
            seed_tickets(base, args.n, now, rng, lean=args.lean)
        began = time.perf_counter()
        kept = (DailyFigure, PeriodFigure) if args.refold else (Fact, DailyFigure, PeriodFigure)
        with connection.cursor() as cursor:
            for model in kept:
                cursor.execute(f"TRUNCATE {model._meta.db_table}")
        facts = Fact.objects.count() if args.refold else write_facts()
    written = time.perf_counter() - began
    began = time.perf_counter()
    if not args.measure_only:
        figures_in_bulk()
    folded = time.perf_counter() - began
    if args.measure_only:
        written = folded = 0.0
    analyse()
    lines = [f"{connection.vendor}: {args.n:,} tickets, {facts:,} facts, "
             f"{DailyFigure.objects.count():,} daily figures, "
             f"{PeriodFigure.objects.count():,} weekly and monthly "
             f"(facts written in {written:.0f} s, folded in {folded:.0f} s)"]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench-agent"))  # a supervisor of every service
    today = now.date()
    year_ago = today - timedelta(days=365)
    pages = {
        "board /reports/": "/reports/",
        "12-month report by month": f"/reports/period?date_from={year_ago}&date_to={today}&grouping=month",
        "12-month report by week, one category": (
            f"/reports/period?date_from={year_ago}&date_to={today}&grouping=week&category=error"
            "&breakdown=channel"),
        "12-month report by day": f"/reports/period?date_from={year_ago}&date_to={today}&grouping=day",
    }
    lines.append(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, page in pages.items():
        if args.profile:
            from queue_bench import profile_page

            profile_page(client, page, 3, label, own=25)
        got = timed(client, page, args.runs)
        (p50, p95), (c50, c95) = got["wall"], got["cpu"]
        lines.append(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms wall; CPU p50 {c50:.0f} ms, "
                     f"p95 {c95:.0f} ms (Python {got['python']:.0f} ms); {got['queries']} queries, "
                     f"{got['sql_ms']:.0f} ms SQL ({args.runs} requests)")
        print(lines[-1], flush=True)
    lines.append(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out = OUT / f"reports_bench_{args.n}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    command = f"DATABASE_URL={url} .venv/bin/python bench/reports_bench.py {' '.join(argv or sys.argv[1:])}"
    out.write_text("\n".join([command, *lines]) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
