"""Ticket creation end to end, in-process: committed, acknowledged by mail, findable by search.

    .venv/bin/python bench/create_e2e.py                          # SQLite, 10,000 tickets, 300 created
    .venv/bin/python bench/create_e2e.py --reuse --count 200 --profile 40
    .venv/bin/python bench/create_e2e.py --reuse --count 200 --channel web --profile 40
    .venv/bin/python bench/create_e2e.py --database postgres://postgres@127.0.0.1:5432/edudesk_e2e

Tickets are created through ``POST /api/v1/tickets`` with Django's test client in this process
(no HTTP server), the way an LMS integration sends them, or (``--channel web``) through the
portal's web form as a visitor who is not signed in. Each creation queues its after-commit
jobs (outbox dispatch: the acknowledgment and the search document; then the mail's delivery);
they are run here too, by the same code a Huey consumer runs, against a real SMTP server
(aiosmtpd in a process of its own, bench/smtp_sink.py). Three figures, each in wall time and in
this process's CPU time (``time.process_time``: what the work costs whatever else the machine
runs):

* committed: the requests alone (the job queue is in memory, so enqueueing costs nothing);
* jobs: running every queued job until the queue is empty (dispatch, mail, delivery);
* end to end: both, per ticket — the rate at which tickets end acknowledged and findable.

Afterwards every created ticket is checked: exactly one acknowledgment, sent, received by the
SMTP server, and a search document that finds it by its subject. `--profile K` profiles K more
creations and their jobs with cProfile and prints where the time goes: per phase of the
request and of the jobs (inclusive CPU per ticket, cProfile's overhead included), then the
functions.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import run  # noqa: E402  (bench/run.py: where the bench writes, how it recreates a database)

OUT = run.OUT


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite",
                        help="'sqlite' (<var>/bench/create-e2e.sqlite3) or a database URL")
    parser.add_argument("--n", type=int, default=10_000, help="tickets seeded before measuring")
    parser.add_argument("--count", type=int, default=300, help="tickets created and measured")
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded")
    parser.add_argument("--profile", type=int, default=0, metavar="K",
                        help="profile K more creations with their jobs (cProfile)")
    parser.add_argument("--channel", choices=("api", "web"), default="api",
                        help="the API (an agent's token) or the portal's web form (default api)")
    parser.add_argument("--seed", type=int, default=20260901)
    return parser.parse_args(argv)


def database_url(choice: str) -> str:
    return f"sqlite:///{OUT / 'create-e2e.sqlite3'}" if choice == "sqlite" else choice


def setup(url: str, sink) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "edudesk.settings",
                       "EDUDESK_VAR_DIR": str(OUT / "e2e-run"), "LOG_LEVEL": "WARNING",
                       "ALLOWED_HOSTS": "testserver", "DB_CONN_MAX_AGE": "60",
                       "EDUDESK_RATE_API_PER_TOKEN": "1000000",
                       "EDUDESK_RATE_FORM_PER_ADDRESS": "1000000", **sink.settings()})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def memory_queue():
    """Huey with an in-memory queue: enqueueing from a request costs what putting a job costs,
    and this process runs the jobs itself (``drain``)."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    HUEY.immediate = False
    HUEY.storage = MemoryStorage(HUEY.name)
    return HUEY


def drain(huey) -> int:
    """Run queued jobs until none is left (jobs that queue jobs included); returns how many."""
    done = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        done += 1
    return done


def agent_token() -> str:
    from edudesk.accounts.models import ApiToken, User

    _, token = ApiToken.issue(user=User.objects.get(username="bench-agent"), name="e2e")
    return token


def payloads(rng: random.Random, count: int, marker: str) -> list[dict]:
    from dataset import SERVICES, ServiceRef, problem_text
    from django.utils import timezone

    from edudesk.accounts.models import Contact, Service

    code, _name, prefix, share, _kind = SERVICES[0]
    service = Service.objects.get(code=code)
    ref = ServiceRef(id=service.pk, code=code, prefix=prefix, share=share, group_id=0, agent_ids=[])
    contacts = list(Contact.objects.filter(service=service).exclude(login="").order_by("id")
                    .values_list("id", "login", "full_name")[:2000])
    rng.shuffle(contacts)
    out = []
    for n in range(count):
        contact_id, login, name = contacts[n % len(contacts)]
        subject, description = problem_text(rng, ref, login, name, timezone.now())
        # An address of its own per run: the hourly cap on automatic replies never applies.
        out.append({"service": code,
                    "requester": {"full_name": name, "login": login,
                                  "email": f"{login}.{marker}@school{contact_id % 997}.example"},
                    "subject": f"{subject} {marker}{n}", "description": description,
                    "category": "other", "fields": {"initiator_login": login, "affected_login": login}})
    return out


CHANNEL = "api"  # or "web" (--channel)


def create(client, token: str, bodies: list[dict]) -> list[str]:
    return (create_web if CHANNEL == "web" else create_api)(client, token, bodies)


def create_api(client, token: str, bodies: list[dict]) -> list[str]:
    numbers = []
    for body in bodies:
        response = client.post("/api/v1/tickets", json.dumps(body, ensure_ascii=False),
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 201, (response.status_code, response.content[:300])
        numbers.append(response.json()["number"])
    return numbers


def create_web(client, _token: str, bodies: list[dict]) -> list[str]:
    """The portal's form, submitted by a visitor who is not signed in, up to the receipt's
    redirect (the receipt page itself is another request)."""
    from django.core import signing

    from edudesk.portal.views_intake import RECEIPT_SALT
    from edudesk.tickets.models import Ticket

    ids = []
    for n, body in enumerate(bodies):
        who = body["requester"]
        response = client.post(f"/support/{body['service']}/new", {
            # The form has no subject: its first line is the ticket's subject.
            "step": "submit", "category": body["category"],
            "description": f"{body['subject']}\n{body['description']}",
            "full_name": who["full_name"], "email": who["email"], "region": WEB_REGION,
            "institution": WEB_INSTITUTION, "phone": f"+7 843 555-{n % 100:02d}-{n // 100 % 100:02d}",
            **body["fields"]}, HTTP_USER_AGENT=WEB_AGENT)
        assert response.status_code == 302, (response.status_code, _errors(response))
        receipt = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        ids += signing.loads(receipt, salt=RECEIPT_SALT)["t"]
    return list(Ticket.objects.filter(pk__in=ids).order_by("pk").values_list("number", flat=True))


WEB_REGION = "Республика Татарстан"
WEB_INSTITUTION = "МБОУ «Средняя школа № 12», г. Казань"
WEB_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0.6099.109 Safari/537.36")


def _errors(response) -> str:
    import re

    found = re.findall(r'id="([\w-]+)-errors"><li>([^<]{3,200})', response.content.decode())
    return " | ".join(f"{key}: {text}" for key, text in found)[:600]


class QueryCounter:
    """Counts the statements this process sends to the database (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def counting():
    from django.db import connection

    counter = QueryCounter()
    return counter, connection.execute_wrapper(counter)


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def verify(numbers: list[str], marker: str, sink, received_before: int) -> dict:
    """Every ticket: one acknowledgment, sent; the SMTP server got them; search finds each."""
    from django.db.models import Count

    from edudesk.mail.models import MailTemplate, OutboundMail
    from edudesk.search.models import TicketDocument
    from edudesk.tickets.models import Ticket

    ids = list(Ticket.objects.filter(number__in=numbers).values_list("id", flat=True))
    acks = dict(OutboundMail.objects.filter(ticket_id__in=ids, event__kind="created")
                .values_list("ticket_id").annotate(n=Count("id")).values_list("ticket_id", "n"))
    sent = OutboundMail.objects.filter(ticket_id__in=ids, state=OutboundMail.State.SENT,
                                       template__in=[MailTemplate.Key.REGISTERED,
                                                     MailTemplate.Key.NEEDS_DATA]).count()
    # Built from this ticket (its requester's address carries the marker); the lemma text is not
    # kept on PostgreSQL (search migration 0009), so the real search checks the words below.
    documents = TicketDocument.objects.filter(ticket_id__in=ids, identities__contains=marker).count()
    return {"tickets": len(ids), "one_ack_each": sum(1 for i in ids if acks.get(i) == 1),
            "acks_sent": sent, "smtp_received": sink.received() - received_before,
            "findable": documents}


def findable_by_search(number: str, marker_word: str) -> bool:
    """The real search finds the last ticket by its marker word (as the desk's search box)."""
    from edudesk.accounts.models import User
    from edudesk.search.services import search_tickets

    user = User.objects.get(username="bench-agent")
    return number in {t.number for t in search_tickets(user, marker_word)}


def rates(count: int, request: tuple[float, float], jobs: tuple[float, float],
          queries: tuple[int, int] = (0, 0)) -> dict:
    def per_second(seconds: float) -> float:
        return round(count / seconds, 1) if seconds else 0.0

    return {
        "count": count,
        "committed_per_s": per_second(request[0]), "committed_per_cpu_s": per_second(request[1]),
        "jobs_per_s": per_second(jobs[0]), "jobs_per_cpu_s": per_second(jobs[1]),
        "end_to_end_per_s": per_second(request[0] + jobs[0]),
        "end_to_end_per_cpu_s": per_second(request[1] + jobs[1]),
        "request_ms": round(request[0] * 1000 / count, 2),
        "request_cpu_ms": round(request[1] * 1000 / count, 2),
        "jobs_ms": round(jobs[0] * 1000 / count, 2), "jobs_cpu_ms": round(jobs[1] * 1000 / count, 2),
        "request_queries": round(queries[0] / count, 1), "jobs_queries": round(queries[1] / count, 1),
    }


def measure(client, token: str, huey, rng, count: int, marker: str, sink, *, one_by_one: bool) -> dict:
    """`one_by_one`: each ticket's jobs run right after its request (a quiet desk, where the
    consumer keeps up); otherwise all requests first, then the jobs (a burst: the consumer
    finds many tickets' work waiting)."""
    bodies = payloads(rng, count, marker)
    before = sink.received()
    request, jobs, jobs_run, numbers = [0.0, 0.0], [0.0, 0.0], 0, []
    queries = [0, 0]
    for part in ([[b] for b in bodies] if one_by_one else [bodies]):
        counter, wrapper = counting()
        with wrapper:
            start = clocks()
            numbers += create(client, token, part)
            request = [a + b for a, b in zip(request, since(start), strict=True)]
        queries[0] += counter.count
        counter, wrapper = counting()
        with wrapper:
            start = clocks()
            jobs_run += drain(huey)
            jobs = [a + b for a, b in zip(jobs, since(start), strict=True)]
        queries[1] += counter.count
    out = {**rates(count, request, jobs, queries), "jobs_run": jobs_run}
    # The SMTP server writes its log a moment after answering.
    deadline = time.monotonic() + 10
    while sink.received() - before < count and time.monotonic() < deadline:
        time.sleep(0.05)
    out["check"] = verify(numbers, marker, sink, before)
    out["check"]["search_finds_last"] = findable_by_search(numbers[-1], f"{marker}{count - 1}")
    return out


# Phases of a creation: (label, file, function), each inclusive of what it calls; an indented
# label is part of the phase above it. CPU per ticket (the profiler's clock is the process's CPU
# time: wall time on a loaded machine would count other processes); cProfile's overhead about
# doubles plain Python, so the shares matter more than the milliseconds.
REQUEST_PHASES = (
    ("whole request (test client)", "django/test/client.py", "request"),
    ("API token, lock-out check, rate counter", "edudesk/api/auth.py", "authenticate"),
    ("service and access", "edudesk/api/access.py", "service_for"),
    ("web form: session, throttle, CSRF", "edudesk/security/throttle.py", "form_submission"),
    ("parse the JSON body (ninja)", "ninja/operation.py", "_get_values"),
    ("intake pipeline (submit/register)", "edudesk/intake/pipeline.py", "register"),
    ("  validate against the form schema", "edudesk/intake/pipeline.py", "check"),
    ("    what the desk knows of the requester", "edudesk/intake/requester.py", "with_known"),
    ("  requester: find or create the contact", "edudesk/intake/pipeline.py", "_resolve_requester"),
    ("  active mass incidents", "edudesk/incidents/intake.py", "known_problem"),
    ("  the ticket's change (open_ticket + after-change)", "edudesk/tickets/services.py", "change"),
    ("    numbering", "edudesk/tickets/numbering.py", "allocate_number"),
    ("    SLA clocks, due dates and their events", "edudesk/sla/clocks.py", "on_ticket_event"),
    ("    events: one", "edudesk/tickets/events.py", "record"),
    ("    events: many", "edudesk/tickets/events.py", "record_many"),
    ("      reports facts", "edudesk/reports/facts.py", "on_ticket_event"),
    ("      outbox rows (durable side effects)", "edudesk/tickets/outbox.py", "write"),
    ("    jobs enqueued after commit", "edudesk/tickets/outbox.py", "_enqueue"),
    ("commit (SQLite)", "~", "<method 'commit' of 'sqlite3.Connection' objects>"),
    ("response (serialise)", "edudesk/api/serializers.py", "ticket_out"),
    ("response (receipt redirect)", "edudesk/portal/views_intake.py", "_to_receipt"),
)
JOB_PHASES = (
    ("all jobs", "bench/create_e2e.py", "drain"),
    ("claim the outbox entries", "edudesk/tickets/outbox.py", "_claim_many"),
    ("acknowledgment: render and queue the mail", "edudesk/mail/notifications.py", "notify_customer"),
    ("search documents (lemmatise, write)", "edudesk/search/indexing.py", "index_tickets"),
    ("mass-incident proposal on arrival", "edudesk/incidents/proposals.py", "_consider_arrivals"),
    ("SMTP delivery", "edudesk/mail/outbound.py", "send_outbound_many"),
)


def phases(stats: pstats.Stats, table, count: int) -> None:
    """Inclusive CPU per ticket of each phase found in the profile."""
    for label, path, function in table:
        found = [value for (file, _line, name), value in stats.stats.items()
                 if name == function and file.endswith(path)]
        if found:
            cumulative = sum(value[3] for value in found)
            calls = sum(value[1] for value in found)
            print(f"  {label:<52} {cumulative * 1000 / count:7.2f} ms  ({calls / count:.1f} calls)")


def profile(client, token: str, huey, rng, count: int, marker: str) -> None:
    bodies = payloads(rng, count, marker)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    create(client, token, bodies)
    profiler.disable()
    print(f"== profile: {count} requests (committed), per ticket")
    stats = pstats.Stats(profiler)
    phases(stats, REQUEST_PHASES, count)
    stats.sort_stats("tottime").print_stats(25)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    drain(huey)
    profiler.disable()
    print(f"== profile: the jobs of {count} creations, per ticket")
    stats = pstats.Stats(profiler)
    phases(stats, JOB_PHASES, count)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def main(argv=None) -> int:
    args = parse_args(argv)
    global CHANNEL
    CHANNEL = args.channel
    from smtp_sink import SmtpSink

    url = database_url(args.database)
    if not args.reuse:
        run.recreate_database(url)
    with SmtpSink(OUT) as sink:
        setup(url, sink)
        from dataset import Sizes
        from django.test import Client
        from seed import create_base, prepare_database, seed_tickets

        from edudesk.accounts.models import User
        from edudesk.tickets.models import Ticket

        rng = random.Random(args.seed)
        prepare_database()
        if not (args.reuse and User.objects.filter(username="bench-agent").exists()):
            base = create_base(Sizes(args.n), rng)
            seed_tickets(base, args.n, datetime.now(UTC), rng)
        huey = memory_queue()
        client = Client()
        token = agent_token()
        stamp = datetime.now(UTC).strftime("%H%M%S")
        # One warm-up round: the first request loads templates, the morphology dictionaries …
        measure(client, token, huey, rng, 10, f"warm{stamp}x", sink, one_by_one=False)
        tickets = Ticket.objects.count()
        print(f"== creation end to end, in-process, {CHANNEL}: {args.count} tickets on "
              f"{urlparse(url).scheme} holding {tickets:,}", flush=True)
        result = {"burst": measure(client, token, huey, rng, args.count, f"mark{stamp}x", sink,
                                   one_by_one=False),
                  "one_by_one": measure(client, token, huey, rng, args.count, f"single{stamp}x", sink,
                                        one_by_one=True)}
        for name, figures in result.items():
            print(f"{name:>10}: committed {figures['committed_per_s']}/s "
                  f"(CPU {figures['committed_per_cpu_s']}/s), "
                  f"end to end {figures['end_to_end_per_s']}/s (CPU {figures['end_to_end_per_cpu_s']}/s); "
                  f"per ticket request {figures['request_cpu_ms']} ms CPU ({figures['request_ms']} wall), "
                  f"jobs {figures['jobs_cpu_ms']} ms CPU ({figures['jobs_ms']} wall); "
                  f"queries per ticket: request {figures['request_queries']}, "
                  f"jobs {figures['jobs_queries']}; {figures['check']}")
        if args.profile:
            profile(client, token, huey, rng, args.profile, f"prof{stamp}x")
        path = OUT / "create-e2e-latest.json"
        path.write_text(json.dumps({"command": " ".join(["bench/create_e2e.py", *(argv or sys.argv[1:])]),
                                    "database": urlparse(url).scheme, "tickets": tickets,
                                    "load_average": os.getloadavg()[0], **result}, indent=1))
        print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
