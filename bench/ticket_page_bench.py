"""The ticket page in-process: the desk's, the portal's and the API's, on the queue bench's data.

    .venv/bin/python bench/queue_bench.py --database sqlite --n 100000        # seeds once
    .venv/bin/python bench/ticket_page_bench.py --database sqlite
    .venv/bin/python bench/ticket_page_bench.py --database sqlite --profile desk

It reuses the database of bench/queue_bench.py (same --database choice) or of bench/run.py
(whose measurements create tickets marked «bench…» in the subject: those are left out) and
never seeds.
Requests go through Django's test client in this process: what is timed is the middleware,
the view, its queries and its template. Each figure is the median of --runs requests after one
warm-up: wall time, this process's CPU time (what the request costs even on a busy machine),
the query count and the summed wall time of the queries. The tickets are the open ticket with
the most messages among the newest 2,000 of the e-school, and a closed one. `--profile PAGE`
(desk, portal or api) prints that page's queries and where its CPU time goes (cProfile).
`--spread K` also views each page of K tickets spread over the whole id range once each, as
bench/run.py's HTTP measurement does (so nothing of a ticket is cached yet): median and p95 of
this process's CPU ms, the database backend's mean CPU ms, the median query count.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import percentile  # noqa: E402
from queue_bench import QueryLog, backend_cpu_ms, database_url, describe, profile_page, setup, timed  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite", help="as for bench/queue_bench.py")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per figure (median)")
    parser.add_argument("--profile", choices=["desk", "portal", "api"], help="profile this page")
    parser.add_argument("--spread", type=int, default=0, metavar="K",
                        help="also view K tickets over the whole id range once each (uncached)")
    parser.add_argument("--seed", type=int, default=20260901, help="random seed of --spread's sample")
    return parser.parse_args(argv)


def tickets():
    """An open ticket with a long conversation and a closed one, both of the e-school, seeded
    (not created by bench/run.py's measurements, which mark their subjects «bench…»)."""
    from django.db.models import Count

    from edudesk.tickets.models import Ticket
    from edudesk.tickets.status import CLOSED_STATUSES, OPEN_STATUSES

    newest = (Ticket.objects.filter(service__code="eschool").exclude(subject__contains="bench")
              .order_by("-id")[:2000].values("id"))
    base = Ticket.objects.filter(id__in=newest).annotate(n=Count("messages")).order_by("-n", "id")
    return {"open": base.filter(status__in=OPEN_STATUSES).first(),
            "closed": base.filter(status__in=CLOSED_STATUSES).first()}


def portal_client(ticket):
    """A client signed in to the portal as the ticket's requester."""
    from django.test import Client

    from edudesk.portal.auth import SESSION_KEY

    portal = Client()
    session = portal.session
    session[SESSION_KEY] = ticket.requester_id
    session.save()
    portal.cookies["sessionid"] = session.session_key
    return portal


def agent_clients():
    """Desk (the supervisor, signed in) and API (an agent token)."""
    from django.test import Client

    from edudesk.accounts.models import ApiToken, User

    desk = Client()
    desk.force_login(User.objects.get(username="bench-agent"))
    _token, raw = ApiToken.issue(user=User.objects.get(username="bench-agent"), name="ticket-page-bench")
    return desk, Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def urls(ticket) -> dict[str, str]:
    return {"desk": f"/desk/t/{ticket.number}/",
            "portal": f"/support/{ticket.service.code}/requests/{ticket.number}/",
            "api": f"/api/v1/tickets/{ticket.number}"}


def clients(ticket):
    """Desk (the supervisor), portal (the requester, signed in) and API (an agent token)."""
    desk, api = agent_clients()
    clients = {"desk": desk, "portal": portal_client(ticket), "api": api}
    return {page: (clients[page], url) for page, url in urls(ticket).items()}


def spread_sample(count: int, seed: int) -> list:
    """Seeded tickets at random over the whole id range (old and new alike)."""
    import random

    from django.db.models import Max, Min

    from edudesk.tickets.models import Ticket

    bounds = Ticket.objects.aggregate(low=Min("id"), high=Max("id"))
    rng = random.Random(seed)
    ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(count * 2)]
    return list(Ticket.objects.filter(id__in=ids).exclude(subject__contains="bench")
                .select_related("service").order_by("?")[:count])


def spread(count: int, seed: int) -> None:
    """Each page of `count` different tickets, once each, after one warm-up request."""
    import statistics
    import time

    tickets = spread_sample(count + 1, seed)
    desk, api = agent_clients()
    for page in ("desk", "portal", "api"):
        cpus, walls, dbs, queries = [], [], [], []
        for n, ticket in enumerate(tickets):
            client = portal_client(ticket) if page == "portal" else {"desk": desk, "api": api}[page]
            url = urls(ticket)[page]
            backend = backend_cpu_ms()
            wall, cpu = time.perf_counter(), time.process_time()
            with QueryLog() as log:
                response = client.get(url)
            if n == 0:  # the warm-up
                continue
            assert response.status_code == 200, (url, response.status_code)
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
            queries.append(len(log.queries))
            after = backend_cpu_ms()
            if backend and after and backend[0] == after[0]:
                dbs.append(after[1] - backend[1])
        db = f", db cpu mean {statistics.mean(dbs):5.2f}" if dbs else ""
        print(f"  spread {page:6} {len(cpus)} tickets once each: cpu median {statistics.median(cpus):5.2f} "
              f"p95 {percentile(cpus, 95):5.2f}{db}, wall median {statistics.median(walls):6.2f}, "
              f"queries median {statistics.median(queries):.0f} max {max(queries)}", flush=True)


def profile(client, url: str, runs: int) -> None:
    profile_page(client, url, runs, cumulative=60, own=25)


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(database_url(args.database))
    from django.db import connection

    from edudesk.tickets.models import Ticket

    print(f"== {Ticket.objects.count():,} tickets on {connection.vendor}, load {os.getloadavg()[0]:.2f}")
    for kind, ticket in tickets().items():
        if ticket is None:
            continue
        for page, (client, url) in clients(ticket).items():
            figures = timed(client, url, args.runs)
            print(f"  {kind:6} {page:6} {ticket.number:>14} {ticket.messages.count():2} messages: "
                  f"{describe(figures)}", flush=True)
            if args.profile == page and kind == "open":
                profile(client, url, args.runs)
    if args.spread:
        spread(args.spread, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
