"""Search benchmark: search_tickets p50/p95 by number, identity and Russian words over N tickets.

    .venv/bin/python bench/search_bench.py                       # SQLite, 20,000 tickets
    .venv/bin/python bench/search_bench.py --database postgres --n 1000000
    .venv/bin/python bench/search_bench.py --database postgres --n 1000000 --reuse   # measure again

The data set is the shared benchmark world (bench/seed.py: services, schools, customers, tickets
with Russian conversations in realistic proportions), written through the bulk paths (COPY on
PostgreSQL, bulk_create on SQLite) and indexed with the search app's own batch indexer. Searches
run in this process as a line-1 agent of the e-school (so the visibility filter is real), timed
around `search_tickets(agent, query, 50)`: the index queries plus loading the tickets shown.
Figures are printed and written to var/bench/search_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]
OUT = ROOT / "var" / "bench"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/edudesk_search_bench"
SQLITE_URL = f"sqlite:///{OUT / 'search_bench.sqlite3'}"
LIMIT = 50

# Russian queries in the forms agents type them: other cases and numbers than the text has.
WORD_QUERIES = ("ошибкой", "ошибки", "оценок", "журнала", "расписанию", "дневнике", "браузером",
                "пароль", "снимки экрана", "средний балл", "не сохраняются оценки", "удостоверения",
                "итоговой аттестацией", "кэша", "резервной копии")
TYPING_QUERIES = ("журн", "распис", "удостов", "аттест", "ошибка сохран")
# Where the request comes from: organisation, city, region (as common as a frequent word).
PLACE_QUERIES = ("Казани", "Екатеринбург", "лицей", "Татарстан", "гимназии", "учебный центр Альфа",
                 "ошибка Самара")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, help="tickets (default 20,000 on SQLite, 100,000 on PostgreSQL)")
    parser.add_argument("--database", default="sqlite",
                        help=f"'sqlite', 'postgres' ({POSTGRES_URL}) or a database URL the bench owns")
    parser.add_argument("--queries", type=int, default=200, help="searches per kind (default 200)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database seeded by an earlier run when it has at least N tickets")
    parser.add_argument("--seed", type=int, default=20260901, help="random seed of the data set")
    parser.add_argument("--results", metavar="PATH",
                        help="also write the numbers each query found, in order (JSON), to compare "
                             "two runs over the same data: same queries, same answers")
    # scripts/bench.sh passes the same arguments to every bench: ignore the others'.
    return parser.parse_known_args(argv)[0]


def database_url(choice: str) -> str:
    return {"sqlite": SQLITE_URL, "postgres": POSTGRES_URL}.get(choice, choice)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "edudesk.settings"
    os.environ["EDUDESK_VAR_DIR"] = str(OUT / "search_run")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def seed(n: int, rng: random.Random) -> dict:
    """Create the data set; returns seeding figures."""
    from dataset import Sizes
    from seed import create_base, prepare_database, seed_tickets

    prepare_database()
    base = create_base(Sizes(n), rng)
    seconds = seed_tickets(base, n, datetime.now(UTC), rng)
    return {"seed_seconds": round(seconds, 1), "tickets_per_second": round(n / seconds)}


def already_seeded(n: int) -> bool:
    from django.db import connection

    from edudesk.tickets.models import Ticket

    try:
        return connection.introspection.table_names() and Ticket.objects.count() >= n
    except Exception:  # an empty or foreign database is simply "not seeded"
        return False


def indexing_rate(rng: random.Random, sample: int = 2000) -> float:
    """Tickets per second through the batch indexer (reading, lemmatising, writing documents)."""
    from edudesk.search.indexing import index_tickets
    from edudesk.tickets.models import Ticket

    top = Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 0
    start = rng.randrange(1, max(2, top - sample))
    ids = list(Ticket.objects.filter(id__gte=start).order_by("id").values_list("id", flat=True)[:sample])
    began = time.perf_counter()
    for offset in range(0, len(ids), 500):
        index_tickets(ids[offset:offset + 500])
    return len(ids) / (time.perf_counter() - began)


def query_sets(agent, rng: random.Random, count: int) -> dict[str, list[str]]:
    from edudesk.accounts.models import Contact
    from edudesk.tickets.models import Ticket

    services = sorted(agent.served_service_ids())
    top = Ticket.objects.filter(service_id__in=services).order_by("-id").values_list("id", flat=True)[0]
    picks = [rng.randrange(1, top + 1) for _ in range(count * 3)]
    numbers = list(Ticket.objects.filter(service_id__in=services, id__in=picks)
                   .values_list("number", flat=True))[:count]
    pool = Contact.objects.filter(service_id__in=services).values_list("login", "email", "phone")
    contacts = list(pool.filter(pk__in=[rng.randrange(1, top + 1) for _ in range(count * 20)]))
    contacts = contacts or list(pool[:count])

    def cycle(values):
        return [values[i % len(values)] for i in range(count)] if values else []

    return {
        "number INC0001234": cycle(numbers),
        "number 1234": cycle([str(int(n.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))) for n in numbers]),
        "login": cycle([c[0] for c in contacts]),
        "e-mail": cycle([c[1] for c in contacts]),
        "phone +7 (9xx) …": cycle([c[2] for c in contacts]),
        "Russian word(s)": cycle(list(WORD_QUERIES)),
        "word being typed": cycle(list(TYPING_QUERIES)),
        "organisation, city, region": cycle(list(PLACE_QUERIES)),
    }


def measure(agent, queries: list[str], answers: dict | None = None) -> dict:
    from edudesk.search.services import search_tickets

    for query in queries[:5]:  # warm the caches and the analyser, as a running server has them
        search_tickets(agent, query, LIMIT)
    times, found = [], []
    for query in queries:
        began = time.perf_counter()
        results = search_tickets(agent, query, LIMIT)
        times.append((time.perf_counter() - began) * 1000)
        found.append(len(results))
        if answers is not None:
            answers[query] = [ticket.number for ticket in results]
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "max_ms": round(times[-1], 2),
        "mean_results": round(statistics.mean(found), 1),
        "queries": len(times),
    }


def main() -> None:
    args = parse_args()
    url = database_url(args.database)
    vendor = "postgresql" if url.startswith("postgres") else "sqlite"
    n = args.n or (100_000 if vendor == "postgresql" else 20_000)
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    setup_django(url)
    report: dict = {"database": vendor, "tickets": n, "measured_at": datetime.now(UTC).isoformat(),
                    "cpus": os.cpu_count(), "load_average_before": os.getloadavg()[0]}
    if not (args.reuse and already_seeded(n)):
        from django.db import connections

        connections.close_all()
        from run import recreate_database

        recreate_database(url)
        report.update(seed(n, rng))
    from edudesk.accounts.models import User
    from edudesk.search.models import TicketDocument

    report["documents"] = TicketDocument.objects.count()
    report["indexing_tickets_per_second"] = round(indexing_rate(rng))
    agent = User.objects.filter(username="eschool-agent-0").first() or User.objects.get(
        username="bench-agent")
    report["agent"] = agent.username
    answers: dict = {}
    report["searches"] = {kind: measure(agent, queries, answers)
                          for kind, queries in query_sets(agent, rng, args.queries).items() if queries}
    if args.results:
        Path(args.results).write_text(json.dumps(answers, ensure_ascii=False, indent=1), encoding="utf-8")
    report["load_average_after"] = os.getloadavg()[0]
    print(f"\nsearch_tickets over {n:,} tickets on {vendor} (agent {agent.username}, limit {LIMIT}; "
          f"load average {report['load_average_before']:.1f} → {report['load_average_after']:.1f} "
          f"on {report['cpus']} CPUs)")
    if "seed_seconds" in report:
        print(f"seeded in {report['seed_seconds']} s ({report['tickets_per_second']:,} tickets/s incl. "
              f"indexing); batch indexer alone: {report['indexing_tickets_per_second']:,} tickets/s")
    print(f"{'query':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'results':>9}")
    for kind, row in report["searches"].items():
        print(f"{kind:<22}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}{row['mean_results']:>9}")
    target = OUT / f"search_bench_{vendor}_{n}.json"
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (OUT / "search_bench.json").write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"figures written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
