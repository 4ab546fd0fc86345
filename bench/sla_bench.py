"""SLA benchmark: due-date computations per second and the escalation sweep over 100,000 open tickets.

    .venv/bin/python bench/sla_bench.py                      # SQLite (in-memory test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudesk_bench .venv/bin/python bench/sla_bench.py

The database part creates a throw-away test database (Django's test-database machinery),
fills it with open tickets and their clocks in bulk, times sweeps, and drops it again.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
# Jobs queued by the events the sweep writes go to a throw-away queue, not the developer's.
os.environ.setdefault("EDUDESK_VAR_DIR", tempfile.mkdtemp(prefix="edudesk-sla-bench-"))
os.environ.pop("REDIS_URL", None)

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "var" / "bench" / "sla_bench.txt"
MSK = ZoneInfo("Europe/Moscow")
_figures: list[str] = []


def report(line: str) -> None:
    print(line, flush=True)
    _figures.append(line)


TARGETS = [timedelta(minutes=60), timedelta(hours=4), timedelta(hours=27), timedelta(hours=45)]


def random_moments(count: int, seed: int = 7) -> list[datetime]:
    rng = random.Random(seed)
    first = datetime(2024, 1, 1, tzinfo=MSK)
    span = int((datetime(2027, 12, 1, tzinfo=MSK) - first).total_seconds())
    return [first + timedelta(seconds=rng.randrange(span)) for _ in range(count)]


def bench_arithmetic(count: int) -> None:
    from edudesk.sla.production_calendar import russian_calendar

    starts = random_moments(count)
    calendar = russian_calendar()
    for label in ("cold cache", "warm cache"):
        began = time.perf_counter()
        for index, start in enumerate(starts):
            calendar.add_working_time(start, TARGETS[index % len(TARGETS)])
        elapsed = time.perf_counter() - began
        report(f"add_working_time ({label}): {count / elapsed:,.0f} due dates/s")
    ends = [start + timedelta(days=3) for start in starts]
    began = time.perf_counter()
    for start, end in zip(starts, ends, strict=True):
        calendar.working_time_between(start, end)
    elapsed = time.perf_counter() - began
    report(f"working_time_between over 3 days (warm): {count / elapsed:,.0f} /s")


def fill(tickets: int, now: datetime) -> None:
    """Open tickets with running clocks; about 1% pass 80% and 0.5% pass 100% at `now`."""
    from tqdm import tqdm

    from edudesk.accounts.models import Contact, Service, SupportGroup, User
    from edudesk.sla.models import ClockKind, SlaClock
    from edudesk.tickets.models import Channel, Ticket

    service, _ = Service.objects.get_or_create(code="eschool", defaults={"name": "АИС «Электронная школа»"})
    boss = User.objects.create_user("bench-supervisor", kind=User.Kind.SUPERVISOR)
    group = SupportGroup.objects.create(
        service=service, name="Первая линия", is_default=True, supervisor=boss
    )
    teacher = Contact.objects.create(service=service, full_name="Иванова Мария Петровна")
    rng = random.Random(11)
    chunk = 5000
    for offset in tqdm(range(0, tickets, chunk), desc="tickets", unit_scale=chunk):
        rows = [
            Ticket(
                number=f"INC{offset + n:08d}",
                service=service,
                requester=teacher,
                subject="bench",
                description="bench",
                channel=Channel.WEB,
                group=group,
                status="in_work",
                created_at=now - timedelta(days=1),
            )
            for n in range(min(chunk, tickets - offset))
        ]
        created = Ticket.objects.bulk_create(rows)
        if created[0].pk is None:  # backends that do not return keys
            created = list(Ticket.objects.filter(number__in=[t.number for t in rows]))
        clocks = []
        for ticket in created:
            roll = rng.random()
            if roll < 0.005:
                due = now - timedelta(minutes=rng.randrange(1, 120))
            elif roll < 0.015:
                due = now + timedelta(minutes=rng.randrange(1, 10))
            else:
                due = now + timedelta(hours=rng.randrange(2, 400))
            for kind in (ClockKind.FIRST_ANSWER, ClockKind.SOLUTION):
                clocks.append(
                    SlaClock(
                        ticket=ticket,
                        kind=kind,
                        target=timedelta(hours=27),
                        started_at=now - timedelta(days=1),
                        due_at=due,
                        warn_at=due - timedelta(minutes=90),
                    )
                )
        SlaClock.objects.bulk_create(clocks)


def bench_sweep(tickets: int) -> None:
    import django
    from django.db import connection
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from edudesk.sla.escalation import sweep

    old_name = connection.settings_dict["NAME"]
    # Tables straight from the models: faster than migrating, and the sweep needs no seed data.
    connection.settings_dict.setdefault("TEST", {})["MIGRATE"] = False
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        now = datetime(2026, 11, 25, 12, 0, tzinfo=MSK)
        began = time.perf_counter()
        fill(tickets, now)
        report(
            f"{connection.vendor}: {tickets:,} open tickets, {2 * tickets:,} clocks "
            f"filled in {time.perf_counter() - began:.1f} s"
        )
        rounds = 0
        while True:
            began = time.perf_counter()
            result = sweep(now)
            elapsed = time.perf_counter() - began
            rounds += 1
            report(
                f"sweep {rounds}: {result.warned} warned, {result.escalated} escalated "
                f"in {elapsed * 1000:.0f} ms"
            )
            if not (result.warned or result.escalated):
                break
        began = time.perf_counter()
        for _ in range(20):
            sweep(now)
        report(
            f"idle sweep (nothing due) over {tickets:,} open tickets: "
            f"{(time.perf_counter() - began) / 20 * 1000:.1f} ms"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--computations", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    args, _unknown = parser.parse_known_args()  # scripts/bench.sh passes every bench the same args
    bench_arithmetic(args.computations)
    try:
        bench_sweep(args.tickets)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("\n".join(_figures) + "\n", encoding="utf-8")
    finally:
        if Path(os.environ["EDUDESK_VAR_DIR"]).name.startswith("edudesk-sla-bench-"):
            shutil.rmtree(os.environ["EDUDESK_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
