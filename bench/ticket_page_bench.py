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
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queue_bench import database_url, describe, profile_page, setup, timed  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite", help="as for bench/queue_bench.py")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per figure (median)")
    parser.add_argument("--profile", choices=["desk", "portal", "api"], help="profile this page")
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


def clients(ticket):
    """Desk (the supervisor), portal (the requester, signed in) and API (an agent token)."""
    from django.test import Client

    from edudesk.accounts.models import ApiToken, User
    from edudesk.portal.auth import SESSION_KEY

    desk = Client()
    desk.force_login(User.objects.get(username="bench-agent"))
    portal = Client()
    session = portal.session
    session[SESSION_KEY] = ticket.requester_id
    session.save()
    portal.cookies["sessionid"] = session.session_key
    _token, raw = ApiToken.issue(user=User.objects.get(username="bench-agent"), name="ticket-page-bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return {"desk": (desk, f"/desk/t/{ticket.number}/"),
            "portal": (portal, f"/support/{ticket.service.code}/requests/{ticket.number}/"),
            "api": (api, f"/api/v1/tickets/{ticket.number}")}


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
