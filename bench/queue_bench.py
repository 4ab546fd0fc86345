"""The desk queue in-process: every queue's first page and a deep page, at N/10 and N tickets.

    .venv/bin/python bench/queue_bench.py --database sqlite --n 100000
    .venv/bin/python bench/queue_bench.py --database postgres://postgres@127.0.0.1:5432/edudesk_queue_bench
    .venv/bin/python bench/queue_bench.py --database sqlite --n 100000 --reuse --profile mine

Requests go through Django's test client in this process (no HTTP, no server): what is timed is
the view, its queries and its template. Each figure is the median of --runs requests after one
warm-up: wall time, this process's CPU time (what the request costs, even on a busy machine),
the summed wall time of its queries and the Python calls of one request (cProfile's count,
steady whatever the machine's load), for two people: a first-line agent of the e-school
(its line, its own tickets) and a supervisor who serves every service. A deep page is the page
after the ticket at position --deep of the queue (its cursor is found beforehand, not timed).
The data set is the one of `make bench` (bench/dataset.py) without search documents, which no
queue reads. `--reuse` keeps a database that already holds the tickets; `--profile QUEUE`
prints where the time of that queue's first page goes (cProfile, top functions) and its
queries with their times.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "var" / "bench"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/edudesk_queue_bench"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite",
                        help=f"'sqlite' (var/bench/queue.sqlite3) or a database URL, e.g. {DEFAULT_POSTGRES}")
    parser.add_argument("--n", type=int, default=100_000, help="tickets at the end (default 100,000)")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per figure (median)")
    parser.add_argument("--deep", type=int, default=2000, help="position of the deep page's cursor")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database when it already holds N tickets (skips seeding)")
    parser.add_argument("--only-large", action="store_true", help="measure at N only, not at N/10")
    parser.add_argument("--profile", metavar="QUEUE", help="profile this queue's first page at N")
    parser.add_argument("--seed", type=int, default=20260901)
    return parser.parse_args(argv)


def database_url(choice: str) -> str:
    if choice == "sqlite":
        return f"sqlite:///{OUT / 'queue.sqlite3'}"
    return choice


def recreate(url: str) -> None:
    from run import recreate_database

    recreate_database(url)


def setup(url: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "edudesk.settings",
                       "EDUDESK_VAR_DIR": str(OUT / "queue-run"), "LOG_LEVEL": "WARNING",
                       "ALLOWED_HOSTS": "testserver",
                       # connections kept between requests, as in production (README: DB_CONN_MAX_AGE)
                       "DB_CONN_MAX_AGE": "60"})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def seed_to(base, target: int, now: datetime, rng: random.Random) -> float:
    """Tickets with their messages, events and SLA clocks, in bulk, up to `target`."""
    from dataset import TicketGenerator
    from django.db import transaction
    from seed import CHUNK, Ticket, TicketNumber, analyse, next_ids, reset_sequences, write_rows

    from edudesk.sla.models import SlaClock
    from edudesk.tickets.models import Event, Message

    started = time.perf_counter()
    missing = max(0, target - Ticket.objects.count())
    generator = TicketGenerator(rng, base.services, now)
    ids = next_ids()
    while missing > 0:
        chunk = generator.chunk(ids, min(CHUNK, missing))
        with transaction.atomic():
            for model, rows in ((TicketNumber, chunk.numbers), (Ticket, chunk.tickets),
                                (Message, chunk.messages), (Event, chunk.events), (SlaClock, chunk.clocks)):
                write_rows(model, rows, now)
        missing -= len(chunk.tickets)
        print(f"  seeded, {missing:,} to go", end="\r", flush=True)
    reset_sequences()
    analyse()
    return time.perf_counter() - started


def people():
    """The first-line agent of the e-school with the most open tickets, and the supervisor."""
    from django.db.models import Count, Q

    from edudesk.accounts.models import User
    from edudesk.tickets.status import OPEN_STATUSES

    agent = (User.objects.filter(username__startswith="eschool-agent-")
             .annotate(open=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES)))
             .order_by("-open", "id").first())
    return {"agent": agent, "supervisor": User.objects.get(username="bench-agent")}


def deep_cursor(user, key: str, position: int) -> tuple[str, int]:
    """The cursor after the ticket at `position` in the queue (or its last), and that position."""
    from edudesk.desk import queues
    from edudesk.desk.access import ticket_scope

    queue = queues.QUEUES[key]
    tickets = queue.tickets(ticket_scope(user), queues.viewer_for(user))
    ordered = tickets.order_by(*queue.keyset.order_by())
    total = tickets.count()
    if total == 0:
        return "", 0
    at = min(position, total - 1)
    row = ordered[at]
    return queue.keyset.encode(row), at


class QueryLog:
    """Every query of the requests made inside it, with its time (kept across reconnections)."""

    def __init__(self):
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))

    def __enter__(self):
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def backend_cpu_ms() -> tuple[int, float] | None:
    """(pid, CPU ms so far) of this process's PostgreSQL backend when the server runs on this
    machine (/proc/PID/schedstat: nanoseconds on a CPU); None on SQLite or a remote server."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    pid = connection.connection.info.backend_pid
    try:
        return pid, int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
    except (OSError, ValueError, IndexError):
        return None


def timed(client, url: str, runs: int) -> dict:
    """Median wall time, median CPU time of this process (what the request costs Python, whatever
    else the machine runs), the mean CPU time of the PostgreSQL backend per request (db_cpu_ms,
    when the server is local), and the queries with their summed wall time."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with QueryLog() as log:
        client.get(url)
    walls, cpus = [], []
    backend = backend_cpu_ms()
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    after = backend_cpu_ms()
    same = backend and after and after[0] == backend[0]  # no reconnection in between
    db_cpu = round((after[1] - backend[1]) / runs, 2) if same else None
    return {"ms": round(statistics.median(walls), 2), "cpu_ms": round(statistics.median(cpus), 2),
            "db_cpu_ms": db_cpu, "queries": len(log.queries),
            "sql_ms": round(sum(ms for ms, _sql in log.queries), 2), "calls": calls_per_request(client, url)}


def describe(figures: dict) -> str:
    db = f", db cpu {figures['db_cpu_ms']:5.2f}" if figures.get("db_cpu_ms") is not None else ""
    return (f"{figures['ms']:6.2f} ms (cpu {figures['cpu_ms']:5.2f}{db}, {figures['queries']} q,"
            f" sql {figures['sql_ms']:5.2f}, {figures['calls']:,} calls)")


def calls_per_request(client, url: str, runs: int = 3) -> int:
    """Python function calls of one request (cProfile's count): unlike time, it does not move
    with the load of a shared machine."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(url)
    profiler.disable()
    return round(pstats.Stats(profiler).total_calls / runs)


def measure(args) -> dict:
    from django.test import Client

    from edudesk.desk import queues

    out = {}
    for who, user in people().items():
        client = Client()
        client.force_login(user)
        for key in queues.QUEUES:
            entry = {"first": timed(client, "/desk/?" + urlencode({"queue": key}), args.runs)}
            cursor, position = deep_cursor(user, key, args.deep)
            if cursor:
                deep_url = "/desk/?" + urlencode({"queue": key, "after": cursor})
                entry["deep"] = timed(client, deep_url, args.runs)
                entry["deep"]["position"] = position
            out[f"{who} {key}"] = entry
            print(f"  {who:10} {key:9} " + "  ".join(
                f"{part} {describe(figures)}" for part, figures in entry.items()), flush=True)
    return out


def profile(key: str, runs: int) -> None:
    from django.test import Client

    user = people()["agent"]
    client = Client()
    client.force_login(user)
    profile_page(client, "/desk/?" + urlencode({"queue": key}), runs, f"as {user.username}")


def profile_page(client, url: str, runs: int, who: str = "", *, cumulative: int = 35,
                 own: int = 0) -> None:
    """Print one warm request's queries, then where ``runs`` requests spend their CPU time
    (the ``cumulative`` top functions, and the ``own`` top by their own time)."""
    client.get(url)
    with QueryLog() as log:
        client.get(url)
    print(f"== queries of {url} {who}".rstrip())
    for ms, sql in log.queries:
        print(f"  {ms:7.2f} ms  {sql[:400]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(cumulative)
    if own:
        stats.sort_stats("tottime").print_stats(own)


def main(argv=None) -> int:
    args = parse_args(argv)
    url = database_url(args.database)
    if not args.reuse:
        recreate(url)
    setup(url)
    from dataset import Sizes
    from seed import create_base, prepare_database

    from edudesk.accounts.models import User
    from edudesk.tickets.models import Ticket

    rng = random.Random(args.seed)
    prepare_database()
    if args.reuse and User.objects.filter(username="bench-agent").exists():
        base = None
    else:
        base = create_base(Sizes(args.n), rng)
    now = datetime.now(UTC)
    result = {"command": " ".join(["bench/queue_bench.py", *(argv or sys.argv[1:])]),
              "database": urlparse(url).scheme, "n": args.n, "runs": args.runs, "stages": []}
    targets = [args.n] if args.only_large or args.reuse else [max(1, args.n // 10), args.n]
    for target in targets:
        if Ticket.objects.count() < target:
            if base is None:
                print("--reuse: the database holds fewer tickets than --n; run without --reuse")
                return 2
            print(f"== seeding to {target:,} tickets", flush=True)
            seconds = seed_to(base, target, now, rng)
            print(f"  seeded in {seconds:.0f} s", flush=True)
        print(f"== {Ticket.objects.count():,} tickets on {result['database']}", flush=True)
        result["stages"].append({"tickets": target, "load_average": round(os.getloadavg()[0], 2),
                                 "measurements": measure(args)})
    if len(result["stages"]) == 2:
        small, large = (stage["measurements"] for stage in result["stages"])
        result["growth"] = {name: round(large[name]["first"]["cpu_ms"] / small[name]["first"]["cpu_ms"], 2)
                            for name in large if name in small and small[name]["first"]["cpu_ms"]}
        print("== growth of the first page's CPU time, N/10 → N:",
              ", ".join(f"{name} {ratio}×" for name, ratio in result["growth"].items()))
    if args.profile:
        profile(args.profile, args.runs)
    path = OUT / f"queue-{result['database']}-{args.n}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
