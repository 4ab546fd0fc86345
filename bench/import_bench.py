"""Bulk import benchmark: `manage.py import_tickets` over a realistic export of N tickets.

    .venv/bin/python bench/import_bench.py --n 10000                      # SQLite, a fresh file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudesk_import_bench \\
        .venv/bin/python bench/import_bench.py --n 100000

A fresh database gets the benchmark's services, lines, agents, organisations and customers
(bench/seed.py); bench/dataset.py's generator then writes N tickets as a previous help desk's
export in the import format (docs/import.md: messages, status history by agent and customer,
a share of requesters unknown to the desk), and the file is imported through the command's own
function, chunk by chunk. Prints tickets/s, this process's CPU time and (PostgreSQL on this
machine) its backend's, the load average, and the rows written per ticket; with --profile,
the functions that took the time. Writes var/bench/import_bench.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
os.environ.pop("REDIS_URL", None)
OUT = ROOT / "var" / "bench" / "import_bench.txt"

# The moves the previous desk recorded on the way to each final status: (status, who).
PATHS = {
    "registered": [],
    "in_processing": [("in_processing", "agent")],
    "needs_clarification": [("in_processing", "agent"), ("needs_clarification", "agent")],
    "clarification_sent": [("in_processing", "agent"), ("needs_clarification", "agent"),
                           ("clarification_sent", "customer")],
    "in_work": [("in_processing", "agent"), ("in_work", "agent")],
    "answered": [("in_processing", "agent"), ("in_work", "agent"), ("answered", "agent")],
    "resolved": [("in_processing", "agent"), ("in_work", "agent"), ("answered", "agent"),
                 ("resolved", "customer")],
    "cancelled": [("cancelled", "customer")],
    "suggestion": [("in_processing", "agent"), ("suggestion", "agent")],
}
NEW_REQUESTERS = 0.05  # a share of the export's requesters the desk does not know yet


def write_export(path: Path, base, n: int, now: datetime, rng: random.Random) -> None:
    """N tickets of the benchmark's data set, as lines of the import format."""
    from dataset import Ids, TicketGenerator

    from edudesk.accounts.models import Contact, Service, User

    codes = dict(Service.objects.values_list("id", "code"))
    usernames = dict(User.objects.values_list("id", "username"))
    emails = dict(Contact.objects.values_list("id", "email"))
    generator = TicketGenerator(rng, base.services, now)
    ids = Ids(number=1, ticket=1, message=1, event=1, clock=1)
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, n, 5000):
            chunk = generator.chunk(ids, min(5000, n - start))
            messages: dict[int, list[dict]] = {}
            for row in chunk.messages:
                messages.setdefault(row["ticket_id"], []).append(row)
            for ticket in chunk.tickets:
                out.write(json.dumps(_line(ticket, messages[ticket["id"]], codes, usernames, emails, rng),
                                     ensure_ascii=False) + "\n")


def _line(ticket: dict, messages: list[dict], codes, usernames, emails, rng) -> dict:
    created, updated = ticket["created_at"], ticket["updated_at"]
    agent = usernames.get(ticket["assignee_id"])
    moves = PATHS[ticket["status"]]
    history = []
    for n, (status, who) in enumerate(moves, start=1):
        moment = created + (updated - created) * (n / len(moves))
        entry = {"at": moment.isoformat(), "by": who, "status": status}
        if who == "agent":
            entry["agent"] = agent
        if status == "cancelled":
            entry["reason"] = "not_needed"
        history.append(entry)
    requester = {"email": emails[ticket["requester_id"]], "login": ticket["fields"]["initiator_login"]}
    if rng.random() < NEW_REQUESTERS:
        requester = {"email": f"new{ticket['id']}@import.example", "full_name": "Новый Заявитель"}
    return {
        "version": 1, "ref": f"OLD-{ticket['id']}", "service": codes[ticket["service_id"]],
        "created_at": created.isoformat(), "channel": ticket["channel"], "subject": ticket["subject"],
        "description": messages[0]["body"], "category": ticket["category"],
        "priority": ticket["priority"], "fields": ticket["fields"], "assignee": agent,
        "requester": requester, "status": ticket["status"],
        "messages": [_message(m, usernames) for m in messages[1:]
                     if m["author_contact_id"] or m["author_user_id"]],
        "history": history,
    }


def _message(row: dict, usernames: dict) -> dict:
    agent = row["author_user_id"]
    by = {"by": "agent", "agent": usernames[agent]} if agent else {"by": "customer"}
    return {"at": row["created_at"].isoformat(), **by, "kind": row["kind"], "body": row["body"]}


class Stages:
    """CPU time of this process per stage of the import (wraps the stages' functions)."""

    def __init__(self):
        self.cpu: dict[str, float] = {}

    def wrap(self, owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            began = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.cpu[label] = self.cpu.get(label, 0.0) + time.process_time() - began

        setattr(owner, name, timed)

    def line(self, tickets: int) -> str:
        return "CPU per ticket by stage: " + ", ".join(
            f"{label} {seconds / tickets * 1000:.2f} ms" for label, seconds in self.cpu.items())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000, help="tickets in the export")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="profile the import (slower)")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        from reports_bench import recreate

        recreate(url)
    else:
        os.environ["EDUDESK_VAR_DIR"] = tempfile.mkdtemp(prefix="edudesk-import-bench-")

    import django

    django.setup()
    from dataset import Sizes
    from django.db import connection
    from seed import create_base, prepare_database
    from tqdm import tqdm

    from edudesk.imports.services import import_lines
    from edudesk.reports.models import Fact
    from edudesk.sla.models import SlaClock
    from edudesk.tickets.models import Event, Message, Ticket

    rng = random.Random(3)
    now = datetime.now(UTC) - timedelta(minutes=1)
    prepare_database()
    base = create_base(Sizes(args.n), rng)
    export = Path(tempfile.mkdtemp(prefix="edudesk-import-export-")) / "export.jsonl"
    write_export(export, base, args.n, now, rng)
    size = export.stat().st_size

    from edudesk.imports import services as import_services
    from edudesk.imports.history import Replay

    stages = Stages()
    for owner, name, label in ((import_services, "parse", "parse"),
                               (import_services._Importer, "_requester", "requesters"),
                               (Replay, "run", "replay"), (import_services, "_insert", "insert"),
                               (import_services, "index_tickets", "search"),
                               (import_services, "write_folded", "facts")):
        stages.wrap(owner, name, label)
    from queue_bench import backend_cpu_ms

    load_before = os.getloadavg()
    backend_before = backend_cpu_ms()
    profiler = cProfile.Profile() if args.profile else None
    with export.open(encoding="utf-8") as lines, tqdm(total=args.n, unit="ticket") as bar:
        began, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = import_lines(lines, chunk_size=args.chunk_size, progress=bar.update)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    load_after = os.getloadavg()
    backend_after = backend_cpu_ms()
    backend = ""
    if backend_before and backend_after and backend_before[0] == backend_after[0]:
        db_cpu = (backend_after[1] - backend_before[1]) / 1000
        backend = (f"; CPU of its PostgreSQL backend {db_cpu:.1f} s "
                   f"({db_cpu / result.imported * 1000:.2f} ms per ticket)")
    assert not result.errors, result.errors[:5]
    tickets = Ticket.objects.count()
    per_ticket = {model.__name__: model.objects.count() / tickets
                  for model in (Message, Event, SlaClock, Fact)}
    command = (f"{'DATABASE_URL=' + url + ' ' if url else ''}.venv/bin/python bench/import_bench.py "
               f"--n {args.n} --chunk-size {args.chunk_size}{' --profile' if args.profile else ''}")
    lines = [
        command,
        f"{connection.vendor}: imported {result.imported:,} tickets ({size / 2**20:.0f} MB of JSON Lines) "
        f"in {seconds:.1f} s: {result.imported / seconds:,.0f} tickets/s; CPU of this process "
        f"{cpu:.1f} s ({cpu / result.imported * 1000:.2f} ms per ticket){backend}",
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (2 cores)",
        stages.line(result.imported),
        "rows per ticket: " + ", ".join(f"{name} {value:.1f}" for name, value in per_ticket.items()),
    ]
    print("\n".join(lines))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(35)
    return 0


if __name__ == "__main__":
    sys.exit(main())
