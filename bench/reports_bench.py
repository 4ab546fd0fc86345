"""Reports benchmark: the supervisors' board and a 12-month report over N tickets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudesk_reports_bench \\
        .venv/bin/python bench/reports_bench.py --n 100000

Seeds a fresh database with the benchmark data set (bench/seed.py), writes the reports' facts
for it in bulk (one per counted change a ticket of that shape would have had: created,
closed, backlog, clarification, SLA outcomes from its clocks), folds them into the daily
figures, then times the pages in-process through Django's test client (routing, views,
queries and templates; no network), printing p50/p95 and writing var/bench/reports_bench.txt.
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
OUT = ROOT / "var" / "bench" / "reports_bench.txt"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/edudesk_reports_bench"


def recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def write_facts() -> int:
    """Facts for every seeded ticket, in bulk (the seed writes rows, not events through services)."""
    from tqdm import tqdm

    from edudesk.accounts.models import Organisation
    from edudesk.reports import metrics as m
    from edudesk.reports.facts import TicketState, make_fact
    from edudesk.reports.models import Fact
    from edudesk.sla.calendars import calendar_for
    from edudesk.sla.models import SlaClock
    from edudesk.tickets.models import Ticket

    regions = dict(Organisation.objects.values_list("id", "region"))
    zones = {}
    rng = random.Random(11)
    total = Ticket.objects.count()
    written = 0
    columns = ("id", "service_id", "group_id", "assignee_id", "channel", "category", "priority",
               "organisation_id", "status", "created_at", "closed_at")
    last = 0
    with tqdm(total=total, desc="facts", unit="ticket", unit_scale=True) as bar:
        while True:
            rows = list(Ticket.objects.filter(id__gt=last).order_by("id").values_list(*columns)[:5000])
            if not rows:
                break
            last = rows[-1][0]
            clocks = {}
            for ticket_id, kind, state, started, stopped in SlaClock.objects.filter(
                    ticket_id__in=[r[0] for r in rows], state__in=m.OUTCOMES).values_list(
                    "ticket_id", "kind", "state", "started_at", "stopped_at"):
                clocks.setdefault(ticket_id, []).append((kind, state, started, stopped))
            facts = []
            for (tid, service_id, group_id, agent_id, channel, category, priority, org_id, status,
                 created, closed) in rows:
                if service_id not in zones:
                    from edudesk.accounts.models import Service

                    zones[service_id] = calendar_for(Service.objects.get(pk=service_id)).zone
                zone = zones[service_id]
                state = TicketState(status, service_id, group_id or 0, agent_id or 0, channel,
                                    category, priority, org_id or 0, regions.get(org_id, ""))
                day = created.astimezone(zone).date()
                facts += [make_fact(tid, day, state, m.CREATED), make_fact(tid, day, state, m.BACKLOG)]
                if rng.random() < 0.3:
                    facts.append(make_fact(tid, day, state, m.CLARIFIED))
                    facts.append(make_fact(tid, day, state, m.CLARIFICATION_WAIT,
                                           bucket=m.bucket(rng.randint(5, 3000))))
                if closed is not None:
                    closed_day = closed.astimezone(zone).date()
                    metric = m.RESOLVED if status == "resolved" else m.CANCELLED
                    facts += [make_fact(tid, closed_day, state, metric),
                              make_fact(tid, closed_day, state, m.BACKLOG, count=-1)]
                for kind, outcome, started, stopped in clocks.get(tid, ()):
                    minutes = m.working_minutes(stopped - started)
                    facts.append(make_fact(tid, stopped.astimezone(zone).date(), state,
                                           m.sla_metric(kind, outcome), bucket=m.bucket(minutes)))
            Fact.objects.bulk_create(facts, batch_size=5000)
            written += len(facts)
            bar.update(len(rows))
    return written


def timed(client, url: str, runs: int) -> tuple[float, float]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[max(0, round(0.95 * len(samples)) - 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="tickets")
    parser.add_argument("--runs", type=int, default=40, help="requests per measurement")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the seeded database of an earlier run; fold its facts again")
    parser.add_argument("--measure-only", action="store_true",
                        help="keep the seeded and folded database of an earlier run as it is")
    args = parser.parse_args(argv)
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not (args.reuse or args.measure_only):
        recreate(url)

    import django

    django.setup()
    from dataset import Sizes
    from django.db import connection
    from django.test import Client
    from seed import analyse, create_base, prepare_database, seed_tickets

    from edudesk.accounts.models import User
    from edudesk.reports.folding import fold
    from edudesk.reports.models import DailyFigure, Fact

    rng = random.Random(5)
    now = datetime.now(UTC)
    began = time.perf_counter()
    if args.measure_only:
        facts = Fact.objects.count()
    elif args.reuse:
        Fact.objects.update(folded=False)
        DailyFigure.objects.all().delete()
        facts = Fact.objects.count()
    else:
        prepare_database()
        base = create_base(Sizes(args.n), rng)
        seed_tickets(base, args.n, now, rng)
        began = time.perf_counter()
        facts = write_facts()
    written = time.perf_counter() - began
    began = time.perf_counter()
    fold(batch=50_000)
    folded = time.perf_counter() - began
    if args.measure_only:
        written = folded = 0.0
    analyse()
    lines = [f"{connection.vendor}: {args.n:,} tickets, {facts:,} facts, "
             f"{DailyFigure.objects.count():,} daily figures "
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
    for label, page in pages.items():
        p50, p95 = timed(client, page, args.runs)
        lines.append(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms ({args.runs} requests)")
        print(lines[-1], flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    command = f"DATABASE_URL={url} .venv/bin/python bench/reports_bench.py --n {args.n}"
    OUT.write_text("\n".join([command, *lines]) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
