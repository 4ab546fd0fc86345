"""Mass-incident benchmark: link 500 children to an incident, post one update to all of them,
compose the 500 customer mails it owes, and resolve them all.

The agent's update and resolution return at once; the bench then runs their fan-out job
(``incidents.fan_out``) and the outbox itself, each timed on its own.

    .venv/bin/python bench/incidents_bench.py                    # SQLite (a throw-away test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/edudesk_bench .venv/bin/python bench/incidents_bench.py
    .venv/bin/python bench/incidents_bench.py --children 2000

Creates a throw-away test database (migrated: the SLA policies and mail templates are seed
data), registers the children's tickets (not timed), then times each step. The after-commit
work (the outbox: one mail per child and event) is timed on its own, the way the job consumer
runs it. Prints one line per figure and writes var/bench/incidents_bench.txt.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
# Jobs queued by the events go to a throw-away queue, not the developer's.
os.environ.setdefault("EDUDESK_VAR_DIR", tempfile.mkdtemp(prefix="edudesk-incidents-bench-"))
os.environ.pop("REDIS_URL", None)

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "var" / "bench" / "incidents_bench.txt"
_figures: list[str] = []


def report(line: str) -> None:
    print(line, flush=True)
    _figures.append(line)


class timed:
    def __init__(self, label: str, count: int):
        self.label, self.count = label, count

    def __enter__(self):
        self.began, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info):
        # The process's CPU time too: on a shared machine the wall clock says little.
        elapsed, cpu = time.perf_counter() - self.began, time.process_time() - self.cpu
        report(f"{self.label}: {elapsed:.2f} s ({elapsed / self.count * 1000:.1f} ms per child; "
               f"CPU {cpu:.2f} s)")


def _children(count: int):
    from edudesk.testing import factories

    service = factories.service("eschool")
    agent = factories.agent(service, username="bench-agent")
    schools = [factories.organisation(service, name=f"Школа № {n}") for n in range(50)]
    tickets = []
    for n in range(count):
        teacher = factories.contact(service, full_name=f"Учитель {n}", org=schools[n % 50],
                                    email=f"teacher{n}@school{n % 50}.example")
        tickets.append(factories.ticket(service, teacher, subject="Не открывается журнал",
                                        description=f"Журнал не открывается, ошибка 502 ({n})"))
    return service, agent, tickets


def _run_outbox() -> int:
    from edudesk.tickets import outbox
    from edudesk.tickets.models import PendingEffect

    ids = list(PendingEffect.objects.values_list("id", flat=True))
    outbox.dispatch(ids)
    return len(ids)


def bench(count: int) -> None:
    import django
    from django.db import connection
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from edudesk.incidents import fan_out, services
    from edudesk.incidents.models import IncidentChild
    from edudesk.mail.models import OutboundMail
    from edudesk.tickets.types import Actor

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        began = time.perf_counter()
        service, agent, tickets = _children(count)
        _run_outbox()  # the registration notices: not part of the figures
        report(f"{connection.vendor}: {count} tickets registered in {time.perf_counter() - began:.1f} s "
               "(not timed below)")
        incident = services.declare(service=service, agent=agent, title="Не открывается журнал",
                                    public_text="Электронный журнал недоступен, ошибка 502.")
        began_link = time.perf_counter()
        with timed(f"link {count} children (one transaction each, as an agent or the intake)", count):
            for ticket in tickets:
                services.link(incident, ticket, actor=Actor.agent(agent),
                              how=IncidentChild.How.AGENT)
        with timed(f"compose the {count} «известная проблема» mails (outbox)", count):
            _run_outbox()
        linked = time.perf_counter() - began_link
        mails = OutboundMail.objects.count()
        began_update = time.perf_counter()
        with timed("post one update: the agent's request (records it, queues the job)", count):
            update = services.post_update(incident, agent=agent, body="Сервер перезапускается.")
        with timed(f"the fan-out job: the update posted to {count} children in batches", count):
            fan_out.run(update.pk)
        with timed(f"compose the {count} update mails, each in its child's thread (outbox)", count):
            _run_outbox()
        report(f"update mails composed: {OutboundMail.objects.count() - mails}")
        report(f"time to link {count} children and post one update to all (mails composed): "
               f"{linked + time.perf_counter() - began_update:.1f} s")
        with timed("resolve the incident: the agent's request", count):
            update = services.resolve(incident, agent=agent, closing_text="Журнал снова работает.")
        with timed(f"the fan-out job: {count} children closed with its text", count):
            fan_out.run(update.pk)
        with timed(f"compose the {count} closing mails (outbox)", count):
            _run_outbox()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=500)
    args, _unknown = parser.parse_known_args()  # scripts/bench.sh passes every bench the same args
    try:
        bench(args.children)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text("\n".join(_figures) + "\n", encoding="utf-8")
    finally:
        if Path(os.environ["EDUDESK_VAR_DIR"]).name.startswith("edudesk-incidents-bench-"):
            shutil.rmtree(os.environ["EDUDESK_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
