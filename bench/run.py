"""edudesk benchmark: seed a realistic data set, serve it with gunicorn, measure it over HTTP.

    make bench                                   # default size (see --help), PostgreSQL when it answers
    make bench BENCH_ARGS=--quick                # a couple of minutes
    make bench BENCH_ARGS="--n 1000000"          # the full run of the issue (PostgreSQL, ~1 hour here)
    .venv/bin/python bench/run.py --database sqlite   # the embedded mode
    .venv/bin/python bench/run.py --n 1000000 --reuse --database postgres://…/edudesk_bench
                                                 # measure an earlier run's database again at N

Each figure is measured at N/10 and at N tickets (the data set grows in between), printed as a
table with its ratio to its floor (the trivial endpoint for reads, a raw driver insert for
creation) and the growth of its cost, and written to var/bench/ as JSON.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from smtp_sink import SmtpSink  # noqa: E402

# Everything the bench writes goes under EDUDESK_VAR_DIR (default var/), so that several
# people on one machine keep their runs apart; BENCH_REDIS_URL names the Redis database it flushes.
OUT = Path(os.environ.get("EDUDESK_VAR_DIR") or ROOT / "var") / "bench"
BENCH_DB = "postgres://postgres@127.0.0.1:5432/edudesk_bench"
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/12"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, help="tickets at the end (default 100,000 on PostgreSQL, "
                        "20,000 on SQLite; 5,000 with --quick)")
    parser.add_argument("--quick", action="store_true", help="small data set and few requests")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help=f"database URL to (re)create, or 'sqlite' (default: {BENCH_DB} when it answers)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--consumers", type=int, default=2,
                        help="Huey consumer processes for the end-to-end creation (default 2)")
    parser.add_argument("--requests", type=int, help="requests per measurement (default 300, --quick 60)")
    parser.add_argument("--seed", type=int, default=20260901, help="random seed of the data set")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run (migrations applied, no re-seeding "
                        "beyond N) and measure at N only, e.g. the same data set after a code change")
    return parser.parse_args(argv)


def answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), 2).close()
        return True
    except OSError:
        return False


def choose_database(choice: str) -> str:
    if choice == "sqlite" or (not choice and not answers("127.0.0.1", 5432)):
        return f"sqlite:///{OUT / 'bench.sqlite3'}"
    return choice or BENCH_DB


def recreate_database(url: str) -> None:
    """Start from an empty database every run (the bench owns it; never point it at real data)."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def environment(url: str) -> dict[str, str]:
    """The settings shared by this process and the server: bench database, bench job queue."""
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "edudesk.settings",
           "EDUDESK_VAR_DIR": str(OUT / "run"), "LOG_LEVEL": "WARNING",
           "PROMETHEUS_MULTIPROC_DIR": str(OUT / "run" / "prometheus"), "ALLOWED_HOSTS": "127.0.0.1",
           # The integration's token writes far above the per-minute limit a real one is held to,
           # and the data set's customers write more often than the hourly cap on automatic
           # replies lets through: every creation must be acknowledged.
           "EDUDESK_RATE_API_PER_TOKEN": "1000000", "EDUDESK_MAIL_AUTO_REPLIES_PER_HOUR": "1000000"}
    if answers("127.0.0.1", 6379):
        import redis

        redis.Redis.from_url(BENCH_REDIS).flushdb()
        env["REDIS_URL"] = BENCH_REDIS
    else:
        os.environ.pop("REDIS_URL", None)
    return env


def summarise(result, group: str) -> dict:
    return {**result.summary(), "group": group}


def database_backends() -> list[int]:
    """PostgreSQL backends connected to the bench database (the web workers' kept-alive
    connections), not this process's own; none on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [pid for (pid,) in cursor.fetchall()]


def measure_http(server, scenarios, warmup: int) -> dict[str, dict]:
    """Latency and rate of each scenario, and the CPU time per request of the web workers and of
    their database backends (from /proc: unlike latency, it hardly moves with the machine's load)."""
    import load
    from end_to_end import cpu_spent, cpu_times

    out = {}
    for scenario in scenarios:
        if warmup:
            load.run("warm-up", server.port, scenario.requests[:warmup], scenario.concurrency)
        web, database = server.worker_pids(), database_backends()
        before = cpu_times(web + database)
        result = load.run(scenario.name, server.port, scenario.requests, scenario.concurrency)
        out[scenario.name] = summarise(result, scenario.group)
        out[scenario.name]["cpu_ms_per_request"] = {
            name: round(cpu_spent(before, pids) * 1000 / max(1, result.requests), 2)
            for name, pids in (("web", web), ("postgresql", database)) if pids}
        errors = f", {result.errors} errors: {result.first_error[:200]}" if result.errors else ""
        print(f"  {scenario.name}: {result.rate:,.0f}/s, p95 {out[scenario.name]['p95_ms']} ms{errors}",
              flush=True)
    return out


def measure_end_to_end(server, env, base, rng, args, marker: str) -> dict[str, dict]:
    """Creations at the highest concurrency until acknowledged by mail and searchable, with the
    job consumers running (the creations above left their jobs queued: done first, untimed)."""
    import end_to_end
    import scenarios

    concurrency = max(scenarios.CREATE_CONCURRENCY)
    with end_to_end.Consumers(env, args.consumers, OUT / "consumers.log") as consumers:
        waited = end_to_end.wait_for_backlog()
        print(f"  (backlog of the creations above done in {waited:.0f} s)", flush=True)
        saved = scenarios.CREATE_CONCURRENCY
        scenarios.CREATE_CONCURRENCY = (concurrency,)
        try:
            [scenario] = scenarios.create_scenarios(base, rng, args.requests, f"{marker}-e2e")
        finally:
            scenarios.CREATE_CONCURRENCY = saved
        result = end_to_end.measure(server, consumers, scenario)
    entry = summarise(result, "create")
    settled = result.requests - result.errors
    entry["cpu_ms_per_ticket"] = {name: round(seconds * 1000 / max(1, settled), 2)
                                  for name, seconds in result.cpu_seconds.items()}
    entry["committed_per_second"] = round(result.requests / result.committed_seconds, 1)
    print(f"  {result.name}: {result.rate:,.0f}/s (committed {entry['committed_per_second']}/s), "
          f"CPU ms per ticket {entry['cpu_ms_per_ticket']}"
          + (f", {result.errors} errors: {result.first_error[:200]}" if result.errors else ""), flush=True)
    return {result.name: entry}


def add_ratios(measurements: dict[str, dict]) -> None:
    """Reads: p50 latency over the trivial endpoint's; creation: raw insert rate over API rate."""
    trivial = measurements.get("floor: trivial endpoint /healthz", {}).get("p50_ms")
    for entry in measurements.values():
        if entry["group"] == "read" and trivial and entry.get("p50_ms"):
            entry["ratio_to_floor"] = round(entry["p50_ms"] / trivial, 2)
        if entry["group"] == "create":
            floor = measurements.get(f"floor: raw insert, concurrency {entry['concurrency']}", {})
            if floor.get("per_second") and entry.get("per_second"):
                entry["ratio_to_floor"] = round(floor["per_second"] / entry["per_second"], 2)


def run_stage(target: int, args, env, base, rng, generator_now, url) -> dict:
    import floors
    import inprocess
    import scenarios
    import storage
    from dataset import TicketGenerator
    from seed import seed_tickets
    from server import Server

    from edudesk.tickets.models import Ticket

    before = Ticket.objects.count()
    seconds = seed_tickets(base, target, generator_now, rng)
    stage = {"tickets": target, "seeded": Ticket.objects.count() - before, "seed_seconds": round(seconds, 1),
             # Other work on the machine skews every figure: the 1-minute load average says how much.
             "load_average_before": round(os.getloadavg()[0], 2)}
    marker = f"bench{target}"
    reads = scenarios.read_scenarios(base, rng, args.requests)
    creates = scenarios.create_scenarios(base, rng, args.requests, marker)
    print(f"== measuring at {target:,} tickets ({args.workers} gunicorn workers)", flush=True)
    with Server(env, args.workers, OUT / "server.log") as server:
        measurements = measure_http(server, reads, warmup=min(20, args.requests // 5))
        measurements.update(measure_http(server, creates, warmup=0))
        stage["worker_memory"] = server.worker_memory_mb()
        measurements.update(measure_end_to_end(server, env, base, rng, args, marker))
    dsn = url if url.startswith("postgres") else urlparse(url).path
    generator = TicketGenerator(rng, base.services, generator_now)
    for concurrency in scenarios.CREATE_CONCURRENCY:
        result = floors.measure_insert_floor(dsn, generator, args.requests, concurrency)
        measurements[result.name] = summarise(result, "insert")
    result = inprocess.measure_sla_sweep(args.requests)
    measurements[result.name] = summarise(result, "job")
    numbers = scenarios.sample_numbers(rng, 50)
    result = inprocess.measure_mail_ingest(base, rng, max(20, args.requests // 2), marker, numbers)
    measurements[result.name] = summarise(result, "job")
    add_ratios(measurements)
    stage["measurements"] = measurements
    stage["storage"] = storage.measure()
    stage["load_average_after"] = round(os.getloadavg()[0], 2)
    return stage


def main(argv=None) -> int:
    args = parse_args(argv)
    url = choose_database(args.database)
    postgres = url.startswith("postgres")
    n = args.n or (5_000 if args.quick else 100_000 if postgres else 20_000)
    args.requests = args.requests or (60 if args.quick else 300)
    OUT.mkdir(parents=True, exist_ok=True)
    env = environment(url)
    sink = SmtpSink(OUT).__enter__()  # acknowledgments go to a real local SMTP server
    env.update(sink.settings())
    os.environ.update(env)
    print(f"== edudesk bench: {n:,} tickets on {urlparse(url).scheme} ({url})"
          + (", reusing its data set" if args.reuse else ""), flush=True)
    if not args.reuse:
        recreate_database(url)

    import django

    django.setup()
    import report
    from dataset import Sizes
    from seed import create_base, load_base, prepare_database

    rng = random.Random(args.seed)
    started = time.perf_counter()
    prepare_database()
    migrated = time.perf_counter() - started
    base = load_base() if args.reuse else create_base(Sizes(n), rng)
    now = datetime.now(UTC)
    started = time.perf_counter()
    result = {"command": " ".join(["bench/run.py", *(argv or sys.argv[1:])]),
              "database": urlparse(url).scheme,
              "n": n, "workers": args.workers, "requests_per_measurement": args.requests,
              "machine": report.machine(), "started_at": now.isoformat(), "stages": []}
    if args.reuse:
        result["reused"] = {"migrate_seconds": round(migrated, 1)}
    for target in ((n,) if args.reuse else (max(1, n // 10), n)):
        result["stages"].append(run_stage(target, args, env, base, rng, now, url))
    sink.__exit__(None, None, None)
    result["growth"] = report.growth(result["stages"])
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(report.table(result))
    print(f"\nwritten: {report.write(result, OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
