"""Mail ingest benchmark: mails per second per consumer, parsing alone, ingest, and IMAP end to end.

    .venv/bin/python bench/mail_bench.py                      # SQLite (throw-away test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudesk_bench .venv/bin/python bench/mail_bench.py

One consumer does what a Huey worker does: parse, store once in the ledger, run the intake
pipeline (new tickets and replies), queue notifications (to a throw-away job queue), and,
end to end, fetch from a real dovecot and acknowledge (move) each mail after the commit.
"""

from __future__ import annotations

import argparse
import os
import random
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=600, help="mails to ingest")
    parser.add_argument("--imap-mails", type=int, default=300, help="mails through dovecot")
    parser.add_argument("--parse-rounds", type=int, default=200)
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
