"""Creation end to end over HTTP: committed, acknowledged by mail, findable by search.

The web server (bench/server.py) takes the creations; Huey consumers (`manage.py run_huey`, as
`make run-prod` starts them) run the outbox and send the acknowledgments to a real SMTP server
(bench/smtp_sink.py). The clock runs from the first request until every created ticket has its
acknowledgment sent and its search document; CPU seconds of the web workers, the consumers and
the database server are read from /proc (user + system time) before and after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from load import Result

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


class Consumers:
    """`with Consumers(env, count) as consumers:` runs `count` Huey consumers (the first one
    also schedules the periodic jobs, as in deploy/run-prod.sh)."""

    def __init__(self, env: dict[str, str], count: int, log_path: Path):
        self.env = {**os.environ, **env, "DEBUG": "false", "DB_CONN_MAX_AGE": "600"}
        self.count = count
        self.log_path = log_path
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Consumers:
        log = self.log_path.open("ab")
        for n in range(self.count):
            periodic = [] if n == 0 else ["--no-periodic"]
            self.processes.append(subprocess.Popen(
                [sys.executable, "manage.py", "run_huey", "--quiet", *periodic], cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]


def cpu_times(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes (threads included, not children)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)
    return out


def cpu_spent(before: dict[int, float], pids: list[int]) -> float:
    """CPU seconds these processes spent since `before` (a process that ended meanwhile counts
    nothing; one that started meanwhile counts whole)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in cpu_times(pids).items())


def database_pids() -> list[int]:
    """The local PostgreSQL server's backends connected to this bench's database, when it runs
    here. Not every postgres process: on a shared machine other people's test runs use the
    same server, and counting them put ~70 ms of PostgreSQL CPU on every created ticket. (The
    server's own writers are left out too: WAL and checkpoints of these inserts are not counted.)"""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        pids = [row[0] for row in cursor.fetchall()]
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


def last_ticket_id() -> int:
    from edudesk.tickets.models import Ticket

    return Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 0


def settled(after_id: int) -> tuple[int, int]:
    """(tickets created after this id, of them acknowledged by a sent mail and searchable)."""
    from django.db import close_old_connections

    from edudesk.mail.models import OutboundMail
    from edudesk.search.models import TicketDocument
    from edudesk.tickets.models import Ticket

    close_old_connections()
    tickets = Ticket.objects.filter(pk__gt=after_id)
    done = tickets.filter(
        pk__in=OutboundMail.objects.filter(event__kind="created", state=OutboundMail.State.SENT)
        .values("ticket_id")).filter(pk__in=TicketDocument.objects.values("ticket_id"))
    return tickets.count(), done.count()


def backlog() -> int:
    """After-commit work and mail still waiting (the consumers are done when it is 0)."""
    from edudesk.mail.models import OutboundMail
    from edudesk.tickets.models import PendingEffect

    return (PendingEffect.objects.filter(failed=False).count()
            + OutboundMail.objects.filter(state=OutboundMail.State.QUEUED, send_after__isnull=True).count())


def wait_for_backlog(timeout: float = 600) -> float:
    started = time.perf_counter()
    while backlog() and time.perf_counter() - started < timeout:
        time.sleep(0.5)
    return time.perf_counter() - started


def measure(server, consumers: Consumers, scenario, timeout: float = 600) -> Result:
    """Run the creations of `scenario` and wait until each is acknowledged and searchable."""
    import load

    after_id = last_ticket_id()
    # The database server is shared with whatever else runs on the machine: counted apart.
    parts = {"web": server.worker_pids(), "consumers": consumers.pids}
    cpu_before = {name: cpu_times(pids) for name, pids in parts.items()}
    cpu_before["postgresql"] = cpu_times(database_pids())
    started = time.perf_counter()
    result = load.run(scenario.name, server.port, scenario.requests, scenario.concurrency)
    committed_at = time.perf_counter()
    expected = result.requests - result.errors
    done = 0
    while time.perf_counter() - started < timeout:
        created, done = settled(after_id)
        if created >= expected and done >= created:
            break
        time.sleep(0.2)
    result.seconds = time.perf_counter() - started
    result.name = f"API create, end to end (mail sent, searchable), concurrency {scenario.concurrency}"
    parts["postgresql"] = database_pids()
    result.cpu_seconds = {name: cpu_spent(cpu_before[name], pids) for name, pids in parts.items()}
    result.committed_seconds = committed_at - started
    if done < expected:
        result.errors += expected - done
        result.first_error = result.first_error or f"{expected - done} tickets not settled in {timeout:.0f} s"
    return result
