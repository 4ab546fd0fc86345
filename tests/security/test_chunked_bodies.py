"""A body sent without Content-Length (Transfer-Encoding: chunked) is capped like any other.

GIVEN edudesk under gunicorn, as in production (`deploy/gunicorn.conf.py`), with
EDUDESK_MAX_REQUEST_BYTES at 100 kB,
WHEN a client streams a body in chunks, announcing no length,
THEN a body over the cap gets 413 with the usual message (the server stops reading at the
cap), and a body under it reaches edudesk whole (Django alone would see it empty: it reads
Content-Length bytes, and there are none).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CAP = 100_000

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real gunicorn (one worker) on a free port; no database is needed by these requests."""
    var = tmp_path_factory.mktemp("var")
    port = _free_port()
    env = {**os.environ, "EDUDESK_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var}/edudesk.sqlite3",
           "EDUDESK_MAX_REQUEST_BYTES": str(CAP), "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1",
           "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
                               cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def chunked_post(port: int, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    """POST `body` in 8 kB chunks without Content-Length; (status, response body)."""
    parts = [body[i:i + 8192] for i in range(0, len(body), 8192)]
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\nAccept-Language: ru\r\nConnection: close\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        # The server may answer before reading all of it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head.encode() + encoded)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


def test_a_chunked_body_over_the_cap_is_refused_with_413(server):
    body = json.dumps({"description": "x" * (CAP + 30_000)}).encode()
    status, answer = chunked_post(server, "/api/v1/tickets", body, "application/json")
    assert status == 413
    assert json.loads(answer)["code"] == "too_large"


def test_a_chunked_form_over_the_cap_gets_the_413_page(server):
    body = b"description=" + b"x" * (CAP + 30_000)
    status, answer = chunked_post(server, "/support/eschool/new", body,
                                  "application/x-www-form-urlencoded")
    assert status == 413
    assert "Запрос слишком большой" in answer.decode()


def test_a_chunked_body_under_the_cap_reaches_edudesk_whole(server):
    # The input guard reads JSON bodies: a NUL at the very end is only seen if all of it arrived.
    body = json.dumps({"description": "x" * (CAP - 1_000) + "\x00"}).encode()
    status, answer = chunked_post(server, "/api/v1/tickets", body, "application/json")
    assert status == 400
    assert json.loads(answer)["code"] == "invalid_characters"
