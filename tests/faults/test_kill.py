"""kill -9 of the web server and of the job consumer: no committed ticket loses its side effects.

GIVEN edudesk on its own PostgreSQL database, its cache on Redis and its job queue on a Redis
server of its own (so the test can freeze it), a real gunicorn and a real Huey consumer,
a slow SMTP server (each mail waits before its 250),

ROUND 1 — the web server dies between commit and enqueue:
WHEN LMS integrations create tickets in a burst, each request with its own Idempotency-Key,
and the queue freezes (SIGSTOP) so that the web workers block right after their commits,
and the web server is killed with SIGKILL, master and workers,
THEN the clients that got no answer retry with the same key against a new web server and get
the ticket that was committed (no duplicate), and after the consumer and its minute sweep ran,
every ticket has exactly one acknowledgment, sent, and its search entry.

ROUND 2 — the consumer dies mid-work:
WHEN more tickets are created and the consumer is killed with SIGKILL while it delivers mail,
THEN a new consumer and the sweep finish the work: again exactly one acknowledgment per ticket,
sent, and a search entry each; the SMTP server saw every acknowledgment at least once (a mail
the server accepted just before the kill, before it was marked sent, may come twice: the one
duplicate at-least-once delivery allows).

Skips when PostgreSQL, Redis or redis-server are missing, except with CI=true, where it fails.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.scale.test_multiprocess import _free_port, _unavailable, _wait_ready, scale_env, world

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = Path(__file__).resolve().parent / "probe.py"
BURST = 24
SECOND_BURST = 12
CLIENTS = 8
# Far above what the work needs on a loaded 2-core machine.
SETTLE_SECONDS = 150

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
__all__ = ["scale_env"]  # the fixture, imported for this module's tests


def _load_servers():
    spec = importlib.util.spec_from_file_location("fault_mail_servers", ROOT / "tests/mail/servers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def queue_redis():
    """A Redis server for the job queue alone: SIGSTOP freezes the queue and nothing else."""
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(port=port, socket_connect_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def smtp():
    with _load_servers().SmtpCapture(delay=1.0) as capture:
        yield capture


@pytest.fixture
def fault_env(scale_env, queue_redis, smtp):
    return {
        **scale_env,
        "HUEY_REDIS_URL": queue_redis[1],
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp.host,
        "EMAIL_PORT": str(smtp.port),
        "EDUDESK_RATE_API_PER_TOKEN": "100000",
        # Short leases and grace so the test need not wait minutes for the sweep to act.
        "EDUDESK_EFFECTS_GRACE_SECONDS": "1",
        "EDUDESK_EFFECTS_LEASE_SECONDS": "3",
        "EDUDESK_MAIL_SEND_LEASE_SECONDS": "3",
    }


class Processes:
    """Real processes in sessions of their own, so SIGKILL takes a master with its workers."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.running = env, logs, []

    def web(self) -> tuple[subprocess.Popen, int]:
        port = _free_port()
        env = {**self.env, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "2", "WEB_THREADS": "1",
               "PROMETHEUS_MULTIPROC_DIR": str(self.logs / f"prometheus-{port}")}
        process = self._start([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
                              env, f"web-{port}")
        _wait_ready(port, [process])
        return process, port

    def consumer(self) -> subprocess.Popen:
        return self._start([sys.executable, "manage.py", "run_huey", "--workers", "2", "--no-periodic"],
                           self.env, f"consumer-{len(self.running)}")

    def _start(self, command, env, name) -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL,
                                   stderr=(self.logs / f"{name}.log").open("wb"))
        self.running.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def processes(fault_env, tmp_path):
    running = Processes(fault_env, tmp_path)
    yield running
    running.stop_all()


def body(marker: str, n: int) -> dict:
    return {"service": "eschool", "subject": f"Не сохраняются оценки {marker} #{n:03d}",
            "description": "Добрый день! При сохранении оценок появляется сообщение об ошибке.",
            "requester": {"full_name": "Иванова Мария Петровна", "email": f"t{n}.{marker}@school12.example"}}


def create(port: int, token: str, payload: dict, key: str) -> tuple[int | None, str | None]:
    """(status, ticket number); (None, None) when the connection broke."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/tickets", data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Idempotency-Key": key}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())["number"]
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return None, None


def burst(port: int, token: str, marker: str, numbers: range, answers: dict) -> list[threading.Thread]:
    pending = iter(numbers)
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                n = next(pending, None)
            if n is None:
                return
            answers[n] = create(port, token, body(marker, n), f"{marker}-{n}")

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return threads


def committed(env: dict, marker: str) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute("SELECT count(*) FROM tickets_ticket WHERE subject LIKE %s",
                            (f"%{marker}%",)).fetchone()[0]


def mails_in_flight(env: dict) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute("SELECT count(*) FROM mail_outboundmail WHERE state = 'queued' "
                            "AND sending_until IS NOT NULL").fetchone()[0]


def probe(env: dict, *args) -> dict:
    out = subprocess.run([sys.executable, str(PROBE), *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_until(condition, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def settle(env: dict, marker: str, expected: int) -> dict:
    """Run the minute sweeps (as the consumer's periodic jobs do) until all the work is done."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        probe(env, "sweep")
        state = probe(env, "state", marker)
        done = (state["tickets"] == expected and state["pending_effects"] == 0
                and set(state["sent"].values()) == {1} and state["documents"] == expected)
        if done or time.monotonic() > deadline:
            return state
        time.sleep(2)


def test_killing_the_web_server_and_the_consumer_loses_no_acknowledgment_and_no_search_entry(
        fault_env, processes, queue_redis, smtp):
    marker = f"fault{uuid.uuid4().hex[:8]}"
    token = world(fault_env, "setup")["agent_token"]
    queue_server = queue_redis[0]

    # ROUND 1: the web server dies between commit and enqueue.
    web, port = processes.web()
    answers: dict[int, tuple[int | None, str | None]] = {}
    threads = burst(port, token, marker, range(BURST), answers)
    wait_until(lambda: sum(1 for status, _n in list(answers.values()) if status == 201) >= 4, 120,
               "the first creations")
    os.kill(queue_server.pid, signal.SIGSTOP)  # the queue freezes: enqueues after commit block
    try:
        answered = lambda: sum(1 for status, _n in list(answers.values()) if status == 201)  # noqa: E731
        wait_until(lambda: committed(fault_env, marker) - answered() >= 2, 60,
                   "two commits waiting on the frozen queue")
        committed_unanswered = committed(fault_env, marker) - answered()
        processes.kill(web)
    finally:
        os.kill(queue_server.pid, signal.SIGCONT)
    for thread in threads:
        thread.join(timeout=120)
    assert committed_unanswered >= 1

    web, port = processes.web()
    for n in range(BURST):
        if answers.get(n, (None, None))[0] != 201:
            answers[n] = create(port, token, body(marker, n), f"{marker}-{n}")
    first_answered = next(n for n in range(BURST) if answers[n][0] == 201)
    assert create(port, token, body(marker, first_answered), f"{marker}-{first_answered}") == \
        answers[first_answered], "a retry of an answered request gets the same ticket"
    assert [status for status, _number in answers.values()] == [201] * BURST
    assert len({number for _status, number in answers.values()}) == BURST

    consumer = processes.consumer()
    after_web_kill = settle(fault_env, marker, BURST)
    assert after_web_kill["tickets"] == BURST, "each Idempotency-Key created one ticket"
    assert after_web_kill["acks"] == dict.fromkeys(after_web_kill["acks"], 1), "one acknowledgment each"
    assert set(after_web_kill["sent"].values()) == {1}
    assert after_web_kill["documents"] == BURST
    assert after_web_kill["pending_effects"] == after_web_kill["failed_effects"] == 0

    # ROUND 2: the consumer dies while it delivers mail.
    processes.kill(consumer)  # idle now: the next burst waits in the queue
    second = range(BURST, BURST + SECOND_BURST)
    for thread in burst(port, token, marker, second, answers):
        thread.join(timeout=120)
    assert all(answers[n][0] == 201 for n in second)
    consumer = processes.consumer()
    in_flight = wait_until(lambda: mails_in_flight(fault_env), 120, "a delivery in progress")
    processes.kill(consumer)
    at_kill = probe(fault_env, "state", marker)
    unfinished = at_kill["mails_in_flight"] + at_kill["pending_effects"] + sum(
        1 for n in at_kill["sent"].values() if n == 0)
    assert in_flight and unfinished >= 1, "the kill left work unfinished"

    processes.consumer()
    total = BURST + SECOND_BURST
    after_consumer_kill = settle(fault_env, marker, total)
    assert after_consumer_kill["tickets"] == total
    assert set(after_consumer_kill["acks"].values()) == {1}, after_consumer_kill["acks"]
    assert set(after_consumer_kill["sent"].values()) == {1}, after_consumer_kill["sent"]
    assert after_consumer_kill["documents"] == total
    assert after_consumer_kill["pending_effects"] == after_consumer_kill["failed_effects"] == 0
    delivered = Counter(rcpt for _sender, rcpts, _raw in smtp.received for rcpt in rcpts)
    addresses = {body(marker, n)["requester"]["email"] for n in range(total)}
    assert addresses <= set(delivered), "every acknowledgment reached the SMTP server"
    assert sum(delivered[a] for a in addresses) - total <= 2, "at most the mails in flight twice"
