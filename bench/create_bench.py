"""Ticket creation alone, the way `bench/run.py` measures it: a quicker loop for work on creation.

    .venv/bin/python bench/create_bench.py                 # 20,000 tickets, 300 creations per level
    .venv/bin/python bench/create_bench.py --requests 600 --concurrency 32

Seeds the same realistic data set as `run.py` (same database, recreated), starts gunicorn with 4
workers on loopback, and creates tickets through `POST /api/v1/tickets` from a separate load
process at each concurrency (committed: the jobs wait in the queue); then starts the Huey
consumers and creates tickets at the highest concurrency until each is acknowledged by mail
(a real local SMTP server) and searchable (end to end); then inserts the same rows straight
through the driver (the floor).
Prints one line per figure and writes var/bench/create-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from datetime import UTC, datetime

import run


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="tickets seeded before measuring")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help=f"database URL to (re)create, or 'sqlite' (default: {run.BENCH_DB})")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--requests", type=int, default=300, help="creations per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", help="levels (default 1 8 32)")
    parser.add_argument("--consumers", type=int, default=2,
                        help="Huey consumer processes for the end-to-end figure (default 2)")
    parser.add_argument("--seed", type=int, default=20260901, help="random seed of the data set")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    url = run.choose_database(args.database)
    run.OUT.mkdir(parents=True, exist_ok=True)
    env = run.environment(url)
    sink = run.SmtpSink(run.OUT).__enter__()  # acknowledgments go to a real local SMTP server
    env.update(sink.settings())
    os.environ.update(env)
    print(f"== creation bench: {args.n:,} tickets on {url}", flush=True)
    run.recreate_database(url)

    import django

    django.setup()
    import floors
    import scenarios
    from dataset import Sizes, TicketGenerator
    from seed import create_base, prepare_database, seed_tickets
    from server import Server

    levels = tuple(args.concurrency or scenarios.CREATE_CONCURRENCY)
    scenarios.CREATE_CONCURRENCY = levels
    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    prepare_database()
    base = create_base(Sizes(args.n), rng)
    seed_tickets(base, args.n, now, rng)
    creates = scenarios.create_scenarios(base, rng, args.requests, "create-bench")
    with Server(env, args.workers, run.OUT / "server.log") as server:
        measurements = run.measure_http(server, creates, warmup=0)
        measurements.update(run.measure_end_to_end(server, env, base, rng, args, "create-bench"))
    sink.__exit__(None, None, None)
    dsn = url if url.startswith("postgres") else run.urlparse(url).path
    generator = TicketGenerator(rng, base.services, now)
    for concurrency in levels:
        result = floors.measure_insert_floor(dsn, generator, args.requests, concurrency)
        measurements[result.name] = run.summarise(result, "insert")
        print(f"  {result.name}: {result.rate:,.0f}/s", flush=True)
    run.add_ratios(measurements)
    for name, entry in measurements.items():
        ratio = f", {entry['ratio_to_floor']}x under the raw insert" if "ratio_to_floor" in entry else ""
        print(f"{name}: {entry['per_second']}/s, p50 {entry['p50_ms']} ms, p95 {entry['p95_ms']} ms, "
              f"server p95 {entry['server_p95_ms']} ms{ratio}")
    out = run.OUT / "create-latest.json"
    out.write_text(json.dumps({"n": args.n, "database": url, "workers": args.workers,
                               "load_average": os.getloadavg()[0], "measurements": measurements},
                              indent=1, ensure_ascii=False))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
