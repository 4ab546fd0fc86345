"""The mail gate: the MTA's pipe client hands the mail to the running server, or retries.

The client (deploy/mailgate.py) runs as the MTA runs it — a separate process with the mail on
standard input — against a real running edudesk server (pytest-django's live server).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from edudesk.mail.models import InboundMail
from edudesk.mail.tests.conftest import database_outage, load_mail_test_module, read_corpus_mail
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
CLIENT = Path(__file__).resolve().parents[3] / "deploy" / "mailgate.py"
SECRET = "s3cret-for-the-gate"
MAIL = "utf8_new_request_with_png.eml"


@pytest.fixture
def gate(settings, support_mailbox, smtp_capture):
    settings.EDUDESK_MAILGATE_SECRET = SECRET
    return reverse("mail:gate") + "?service=eschool"


def post(client, url, raw: bytes, secret: str = SECRET):
    return client.post(url, raw, content_type="message/rfc822",
                       headers={"Authorization": f"Bearer {secret}"})


def test_gate_stores_the_mail_once_and_says_so(client, gate):
    first = post(client, gate, read_corpus_mail(MAIL))
    again = post(client, gate, read_corpus_mail(MAIL))
    assert first.status_code == 200 and first.content.decode().startswith("created")
    assert again.status_code == 200 and "duplicate" in again.content.decode()
    assert InboundMail.objects.get().source == "mailgate" and Ticket.objects.count() == 1


def test_gate_refuses_a_wrong_secret_and_stores_nothing(client, gate):
    assert post(client, gate, read_corpus_mail(MAIL), secret="guess").status_code == 403
    assert client.post(gate, read_corpus_mail(MAIL), content_type="message/rfc822").status_code == 403
    assert InboundMail.objects.count() == 0


def test_gate_is_off_without_a_secret(client, settings, support_mailbox):
    settings.EDUDESK_MAILGATE_SECRET = ""
    response = post(client, reverse("mail:gate") + "?service=eschool", read_corpus_mail(MAIL), "")
    assert response.status_code == 404 and InboundMail.objects.count() == 0


def test_gate_answers_bad_calls_and_database_failures(client, gate):
    assert post(client, gate, b"  \r\n").status_code == 400
    unknown = reverse("mail:gate") + "?service=nosuch"
    assert post(client, unknown, read_corpus_mail(MAIL)).status_code == 404
    with database_outage():
        assert post(client, gate, read_corpus_mail(MAIL)).status_code == 503
    assert InboundMail.objects.count() == 0


def pipe(raw: bytes, *arguments: str, secret: str = SECRET) -> subprocess.CompletedProcess:
    """deploy/mailgate.py as Postfix's pipe(8) runs it: -S -E, the mail on standard input."""
    return subprocess.run([sys.executable, "-S", "-E", str(CLIENT), *arguments], input=raw,
                          capture_output=True, env={"EDUDESK_MAILGATE_SECRET": secret},
                          timeout=60, check=False)


def test_piped_mail_reaches_the_running_server(live_server, gate):
    raw = b"From a.smirnova@school5-tver.example Tue Nov 24 09:41:07 2026\n" + read_corpus_mail(MAIL)
    done = pipe(raw, "--url", f"{live_server.url}/mail/gate", "--service", "eschool")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("created")
    row = InboundMail.objects.get()
    assert row.source == "mailgate" and bytes(row.raw) == read_corpus_mail(MAIL)
    assert pipe(raw, "--url", f"{live_server.url}/mail/gate", "--service", "eschool").returncode == 0
    assert InboundMail.objects.count() == 1


def test_wrong_secret_keeps_the_mail_with_the_mta(live_server, gate):
    done = pipe(read_corpus_mail(MAIL), "--url", f"{live_server.url}/mail/gate",
                "--service", "eschool", secret="guess")
    assert done.returncode == 75 and b"403" in done.stderr
    assert InboundMail.objects.count() == 0


def test_unreachable_server_makes_the_mta_retry(gate):
    port = load_mail_test_module("servers").free_port()
    done = pipe(read_corpus_mail(MAIL), "--url", f"http://127.0.0.1:{port}/mail/gate",
                "--service", "eschool", "--timeout", "5")
    assert done.returncode == 75 and b"unreachable" in done.stderr


def test_unreachable_server_hands_the_whole_mail_to_the_local_fallback(gate, tmp_path):
    port = load_mail_test_module("servers").free_port()
    kept = tmp_path / "kept.eml"
    copy = f"import sys; open({str(kept)!r}, 'wb').write(sys.stdin.buffer.read()); sys.exit(0)"
    done = pipe(read_corpus_mail(MAIL), "--url", f"http://127.0.0.1:{port}/mail/gate",
                "--service", "eschool", "--fallback", sys.executable, "-c", copy)
    assert done.returncode == 0 and kept.read_bytes() == read_corpus_mail(MAIL)


@pytest.mark.parametrize("arguments", [(), ("--url", "http://127.0.0.1:1/mail/gate"),
                                       ("--service", "eschool", "--bogus", "x")])
def test_bad_call_is_a_usage_error(arguments):
    assert pipe(read_corpus_mail(MAIL), *arguments).returncode == 64


def test_client_imports_neither_django_nor_edudesk():
    source = CLIENT.read_text()
    assert "django" not in source.split('"""', 2)[2].lower().replace("no import of", "")
    done = subprocess.run([sys.executable, "-S", "-E", "-X", "importtime", str(CLIENT)],
                          input=b"", capture_output=True, check=False)
    imported = {line.split("|")[-1].strip() for line in done.stderr.decode().splitlines()
                if "|" in line}
    assert not any(name.startswith(("django", "edudesk")) for name in imported)
