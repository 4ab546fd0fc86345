"""Fixtures shared by the mail tests: the corpus, real IMAP (dovecot) and SMTP (aiosmtpd)."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import itertools
import sys
from pathlib import Path

import pytest

MAIL_TESTS = Path(__file__).resolve().parents[3] / "tests" / "mail"
CORPUS = MAIL_TESTS / "corpus"
SUPPORT_ADDRESS = "edu.support@eschool.example"
TEACHER_ADDRESS = "a.smirnova@school5-tver.example"


@functools.cache
def load_mail_test_module(name: str):
    """Import a helper module from tests/mail/ (not a package: it also holds plain scripts)."""
    spec = importlib.util.spec_from_file_location(f"mail_tests_{name}", MAIL_TESTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def read_corpus_mail(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def corpus_mail():
    """``corpus_mail("reply_with_quoted_history.eml")`` → the raw bytes of that test mail."""
    return read_corpus_mail


IMAP_ACCOUNTS = 300
_next_account = itertools.count()


@pytest.fixture(scope="session")
def dovecot():
    """One real dovecot for the session, with a pool of accounts (one mailbox per test)."""
    accounts = {f"box{n:03d}": f"password-{n:03d}" for n in range(IMAP_ACCOUNTS)}
    with load_mail_test_module("servers").DovecotServer(users=accounts) as server:
        yield server


@pytest.fixture
def imap_account(dovecot) -> str:
    """An IMAP account with an empty mailbox, used by no other test."""
    return f"box{next(_next_account):03d}"


@pytest.fixture
def smtp_capture(settings):
    """A real SMTP server (aiosmtpd) that edudesk sends its mail to during the test."""
    with load_mail_test_module("servers").SmtpCapture() as capture:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = capture.host, capture.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield capture


@pytest.fixture
def support_mailbox(eschool):
    """The e-school's support address, fed by the MTA (no polling)."""
    from edudesk.mail.models import Mailbox

    return Mailbox.objects.create(name="Техподдержка АИС «Электронная школа»",
                                  address=SUPPORT_ADDRESS, service=eschool)


@pytest.fixture
def polled_mailbox(support_mailbox, dovecot, imap_account):
    """The same address polled over IMAP from a fresh dovecot account."""
    from edudesk.mail.models import Mailbox

    support_mailbox.polling_enabled = True
    support_mailbox.host, support_mailbox.port = dovecot.host, dovecot.port
    support_mailbox.security = Mailbox.Security.NONE
    support_mailbox.username = imap_account
    support_mailbox.password = dovecot.users[imap_account]
    support_mailbox.save()
    return support_mailbox


@contextlib.contextmanager
def database_outage():
    """A real database failure for the code under test.

    Another connection takes the ledger table's lock and holds it; this connection is told
    to give up instead of waiting, so its next statement on the table fails with the
    database's own error (PostgreSQL: lock timeout; SQLite: database is locked).
    """
    from django.db import connection, connections

    other = connections.create_connection("default")
    other.ensure_connection()
    raw = other.connection
    if connection.vendor == "postgresql":
        raw.autocommit = False
        raw.execute("LOCK TABLE mail_inboundmail IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '50ms'")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 0")
        raw.isolation_level = None
        raw.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        raw.rollback()
        other.close()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET lock_timeout = 0")
            else:
                cursor.execute("PRAGMA busy_timeout = 5000")


def compose_reply(sent, body: str, *, sender: str = TEACHER_ADDRESS,
                  sender_name: str = "Смирнова Анна Викторовна", to: str = "",
                  attachments: tuple[tuple[str, bytes, str], ...] = ()) -> bytes:
    """A reply to a mail edudesk sent, as Thunderbird writes it: threading headers and quote."""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    from django.utils import timezone

    reply = EmailMessage()
    reply["From"] = f"{sender_name} <{sender}>"
    reply["To"] = to or sent["Reply-To"] or sent["From"]
    reply["Subject"] = "Re: " + " ".join(str(sent["Subject"]).split())
    reply["Date"] = format_datetime(timezone.now())
    reply["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    reply["In-Reply-To"] = sent["Message-ID"]
    reply["References"] = f"{sent.get('References', '')} {sent['Message-ID']}".strip()
    original = sent.get_body(("plain",)).get_content()
    quoted = "\n".join(f"> {line}" for line in original.splitlines())
    reply.set_content(f"{body}\n\n{sent['Date']}, {sent['From']} пишет:\n{quoted}\n")
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        reply.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return reply.as_bytes()


@pytest.fixture
def imap_account_factory(dovecot):
    """Another fresh IMAP account, for tests with more than one mailbox."""
    return lambda: f"box{next(_next_account):03d}"
