"""Mail ingest benchmark: parsing alone, ingest, IMAP end to end, LMTP, and piped mail.

    .venv/bin/python bench/mail_bench.py                      # SQLite (throw-away test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudesk_bench .venv/bin/python bench/mail_bench.py

LMTP: mails per second through a real LMTP connection (aiosmtpd, one recipient per mail).
Pipe: milliseconds per piped mail, each a separate process as the MTA starts it — the mail
gate client (``deploy/mailgate.py`` posting to a running gunicorn) and ``manage.py
receive_mail`` (the whole application started per mail).

One consumer does what a Huey worker does: parse, store once in the ledger, run the intake
pipeline (new tickets and replies), queue notifications (to a throw-away job queue), and,
end to end, fetch from a real dovecot and acknowledge (move) each mail after the commit.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
# Jobs queued by the ingested mails go to a throw-away queue, not the developer's: a temporary
# SQLite queue, or with --redis a scratch Redis database (the scale-out queue).
os.environ.setdefault("EDUDESK_VAR_DIR", tempfile.mkdtemp(prefix="edudesk-mail-bench-"))
os.environ.pop("REDIS_URL", None)
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # A file, not memory: the piped-mail processes and the gunicorn server open it too.
    os.environ["DATABASE_TEST_NAME"] = str(Path(os.environ["EDUDESK_VAR_DIR"]) / "mail.sqlite3")
if "--redis" in sys.argv:
    os.environ["REDIS_URL"] = sys.argv[sys.argv.index("--redis") + 1]
    os.environ["HUEY_NAME"] = "edudesk-mail-bench"

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "var" / "bench" / "mail_bench.txt"
CORPUS = REPO / "tests" / "mail" / "corpus"
SUPPORT = "edu.support@eschool.example"
_figures: list[str] = []

PROBLEMS = [
    "При выставлении оценок в журнале появляется сообщение «Ошибка сохранения».",
    "Не открывается расписание уроков на следующую неделю, пишет «Нет доступа».",
    "Ученик не видит домашнее задание по алгебре, хотя оно опубликовано.",
    "Отчёт об успеваемости за четверть формируется пустым.",
]


def report(line: str) -> None:
    print(line, flush=True)
    _figures.append(line)


def new_request(rng: random.Random, n: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Учитель {n} <teacher{n % 500}@school{n % 97}.example>"
    mail["To"] = SUPPORT
    mail["Subject"] = f"Обращение {n}: {rng.choice(PROBLEMS)[:40]}"
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain="bench.example")
    mail.set_content(
        f"Здравствуйте!\nРегион: Тверская область\nФИО: Учитель {n}\n"
        f"Учреждение: МБОУ СОШ №{n % 97}, г. Тверь\nЛогин инициатора: teacher{n % 500}\n"
        f"Логин, под которым наблюдается проблема: teacher{n % 500}\n"
        f"Телефон: +7 910 555-{n % 100:02d}-{n % 89:02d}\n\n{rng.choice(PROBLEMS)}\n"
    )
    return mail.as_bytes()


def reply(number: str, requester: str, n: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = requester
    mail["To"] = SUPPORT
    mail["Subject"] = f"Re: [{number}] Обращение"
    mail["Message-ID"] = make_msgid(domain="bench.example")
    mail.set_content(f"Дополнение {n}: браузер Chrome 131.\n\n24.11.2026, Техподдержка пишет:\n> Уточните")
    return mail.as_bytes()


def workload(count: int, tickets: list[tuple[str, str]], seed: int = 5) -> list[bytes]:
    """Two new requests for each reply to an existing ticket, as support mailboxes see."""
    rng = random.Random(seed)
    mails = []
    for n in range(count):
        if n % 3 == 2 and tickets:
            number, requester = tickets[n % len(tickets)]
            mails.append(reply(number, requester, n))
        else:
            mails.append(new_request(rng, n))
    return mails


def bench_parsing(rounds: int) -> None:
    from edudesk.mail.parsing import parse_mail

    corpus = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
    began = time.perf_counter()
    for _ in range(rounds):
        for raw in corpus:
            parse_mail(raw)
    elapsed = time.perf_counter() - began
    rate = rounds * len(corpus) / elapsed
    report(f"parse_mail over the corpus ({len(corpus)} shapes): {rate:,.0f} mails/s")


def bench_ingest(count: int, mailbox) -> None:
    from edudesk.mail.ingest import ingest
    from edudesk.tickets.models import Ticket

    warmup = workload(30, [])
    for raw in warmup:
        ingest(raw, service=mailbox.service, source="bench", mailbox=mailbox)
    tickets = [(t.number, t.requester.email) for t in Ticket.objects.select_related("requester")]
    mails = workload(count, tickets, seed=11)
    began = time.perf_counter()
    states: dict[str, int] = {}
    for raw in mails:
        result = ingest(raw, service=mailbox.service, source="bench", mailbox=mailbox)
        states[result.state] = states.get(result.state, 0) + 1
    elapsed = time.perf_counter() - began
    report(f"ingest, one consumer, {count} mails {states}: {count / elapsed:,.1f} mails/s "
           f"({elapsed * 1000 / count:.1f} ms/mail)")


def bench_imap(count: int, mailbox) -> None:
    import importlib.util

    from edudesk.mail.imap import poll_mailbox
    from edudesk.mail.models import Mailbox

    spec = importlib.util.spec_from_file_location("mail_servers", REPO / "tests/mail/servers.py")
    servers = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = servers
    spec.loader.exec_module(servers)
    with servers.DovecotServer() as dovecot:
        mailbox.polling_enabled = True
        mailbox.host, mailbox.port = dovecot.host, dovecot.port
        mailbox.security = Mailbox.Security.NONE
        mailbox.username, mailbox.password = "support", dovecot.users["support"]
        mailbox.save()
        for raw in workload(count, [], seed=23):
            dovecot.append(raw)
        began = time.perf_counter()
        stored = 0
        while True:
            polled = poll_mailbox(mailbox)
            stored += polled.stored
            if polled.error:
                report(f"poll error: {polled.error}")
                break
            if polled.fetched == 0:
                break
        elapsed = time.perf_counter() - began
    report(f"IMAP end to end (dovecot: fetch, ingest, move), one consumer, {stored} mails: "
           f"{stored / elapsed:,.1f} mails/s")


def bench_lmtp(count: int, mailbox) -> None:
    from bench.server import free_port
    from edudesk.mail.lmtp import lmtp_controller

    port = free_port()
    controller = lmtp_controller("127.0.0.1", port)
    controller.start()
    # On the wire every line ends in CRLF (smtplib sends bytes as they are).
    mails = [raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
             for raw in workload(count, [], seed=31)]
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    try:
        began = time.perf_counter()
        with smtplib.LMTP("127.0.0.1", port) as client:
            for raw in mails:
                client.sendmail("teacher@school.example", [mailbox.address], raw)
        elapsed = time.perf_counter() - began
    finally:
        controller.stop()
    report(f"LMTP (aiosmtpd, one connection, one recipient per mail), {count} mails: "
           f"{count / elapsed:,.1f} mails/s ({elapsed * 1000 / count:.1f} ms/mail)")


def _database_url(connection) -> str:
    """The URL of the benchmark's (test) database, for other processes."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{name}"


def _children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def _piped(command: list[str], mails: list[bytes], env: dict[str, str],
           expect: int = 0) -> tuple[list[float], float]:
    """Wall milliseconds per mail, one process per mail as the MTA's pipe(8) runs it, and the
    CPU milliseconds those processes used per mail (unlike wall time, not inflated by a busy
    machine)."""
    times = []
    cpu_before = _children_cpu_ms()
    for raw in mails:
        began = time.perf_counter()
        done = subprocess.run(command, input=raw, env=env, capture_output=True, check=False)
        times.append((time.perf_counter() - began) * 1000)
        if done.returncode != expect:
            raise RuntimeError(f"{command[:3]} exited {done.returncode}: {done.stderr[-500:]!r}")
    return times, (_children_cpu_ms() - cpu_before) / len(mails)


def _figure(label: str, measured: tuple[list[float], float]) -> None:
    times, cpu = measured
    report(f"{label}, {len(times)} mails: {statistics.mean(times):,.0f} ms/mail "
           f"(median {statistics.median(times):,.0f}, slowest {max(times):,.0f}; "
           f"CPU of the piped process {cpu:,.0f} ms/mail)")


def bench_pipe(count: int, local_count: int, connection) -> None:
    from bench.server import Server, free_port
    from edudesk.mail.models import InboundMail

    env = {**os.environ, "DATABASE_URL": _database_url(connection)}
    env.pop("DATABASE_TEST_NAME", None)
    secret = "mail-bench-secret"
    log = RESULTS.with_name("mail_bench_gunicorn.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    before = InboundMail.objects.count()
    with Server({"DATABASE_URL": env["DATABASE_URL"], "EDUDESK_MAILGATE_SECRET": secret,
                 "DATABASE_TEST_NAME": ""}, workers=2, log_path=log) as server:
        gate = [sys.executable, "-S", "-E", str(REPO / "deploy" / "mailgate.py"),
                "--url", f"http://127.0.0.1:{server.port}/mail/gate", "--service", "eschool"]
        _piped(gate, workload(5, [], seed=41), {"EDUDESK_MAILGATE_SECRET": secret})  # warm-up
        times = _piped(gate, workload(count, [], seed=43), {"EDUDESK_MAILGATE_SECRET": secret})
    _figure("pipe through the mail gate (deploy/mailgate.py → gunicorn)", times)
    # The client's own cost: start, read the mail, find the port closed, exit 75.
    closed = [*gate[:4], "--url", f"http://127.0.0.1:{free_port()}/mail/gate", "--service", "x"]
    _figure("mail gate client alone (start, no server, exit 75)",
            _piped(closed, workload(10, [], seed=45), {}, expect=75))
    local = [sys.executable, str(REPO / "manage.py"), "receive_mail", "--service", "eschool"]
    _figure("pipe into manage.py receive_mail (application started per mail)",
            _piped(local, workload(local_count, [], seed=47), env))
    stored = InboundMail.objects.count() - before
    report(f"piped mails stored: {stored} of {count + local_count + 5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=600, help="mails to ingest")
    parser.add_argument("--imap-mails", type=int, default=300, help="mails through dovecot")
    parser.add_argument("--parse-rounds", type=int, default=200)
    parser.add_argument("--lmtp-mails", type=int, default=300, help="mails through LMTP")
    parser.add_argument("--pipe-mails", type=int, default=50, help="mails through the mail gate")
    parser.add_argument("--receive-mail-runs", type=int, default=10,
                        help="mails piped into manage.py receive_mail (about a second each)")
    parser.add_argument("--redis", default="", help="queue jobs in this Redis, e.g. redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    import django
    from django.db import connection
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    bench_parsing(args.parse_rounds)

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from edudesk.accounts.models import Service, SupportGroup
        from edudesk.mail.models import Mailbox

        service, _ = Service.objects.get_or_create(
            code="eschool", defaults={"name": "АИС «Электронная школа»"})
        SupportGroup.objects.get_or_create(service=service, name="Первая линия",
                                           defaults={"is_default": True})
        mailbox = Mailbox.objects.create(name="Техподдержка", address=SUPPORT, service=service)
        queue = "Redis" if os.environ.get("REDIS_URL") else "SQLite"
        report(f"database: {connection.vendor}; job queue: {queue}")
        bench_ingest(args.mails, mailbox)
        bench_lmtp(args.lmtp_mails, mailbox)
        bench_pipe(args.pipe_mails, args.receive_mail_runs, connection)
        if Path("/usr/sbin/dovecot").exists():
            bench_imap(args.imap_mails, mailbox)
        else:
            report("IMAP end to end: skipped (dovecot not installed)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if os.environ.get("REDIS_URL"):
            from huey.contrib.djhuey import HUEY

            HUEY.flush()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(_figures) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
