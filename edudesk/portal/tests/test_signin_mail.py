"""The sign-in link goes through the outbound mail queue: a mail server outage breaks no page,
and the answer reveals nothing about who is a customer (issue 10 item 4, issue 11 item 6)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from edudesk.mail.models import OutboundMail
from edudesk.mail.tests.conftest import load_mail_test_module
from edudesk.testing.jobs import forget_scheduled_jobs, jobs_kept_queued, run_scheduled_jobs
from edudesk.tickets import outbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_server_down(settings):
    """A real SMTP server (aiosmtpd) that has been stopped: its port refuses connections.

    Yields a function that starts it again on the same port.
    """
    servers = load_mail_test_module("servers")
    server = servers.SmtpCapture().start()
    server.stop()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    forget_scheduled_jobs()
    started = []

    def back_up():
        started.append(server.start())
        return server

    yield back_up
    for running in started:
        running.stop()
    forget_scheduled_jobs()


def test_sign_in_link_with_the_mail_server_down_answers_and_is_mailed_once_it_is_back(
    eschool, teacher, mail_server_down
):
    # GIVEN the mail server is down
    browser = Client(raise_request_exception=False)
    # WHEN the teacher asks for a sign-in link
    response = browser.post("/support/eschool/signin", {"email": teacher.email})
    # THEN the page answers as usual, and the mail waits in the queue
    assert response.status_code == 200
    assert "Проверьте почту" in response.content.decode()
    [queued] = OutboundMail.objects.all()
    assert queued.state == OutboundMail.State.QUEUED and queued.to_address == teacher.email
    assert "ConnectionRefusedError" in queued.last_error
    # WHEN the server is back and the retry runs
    server = mail_server_down()
    assert run_scheduled_jobs() == 1
    # THEN the link arrives and signs her in
    [mail] = server.messages()
    assert mail["To"] == teacher.email and mail["Subject"] == "Вход в «Мои обращения»"
    assert OutboundMail.objects.get().state == OutboundMail.State.SENT
    link = re.search(r"http://[^/\s]+(/support/eschool/signin/\S+)",
                     mail.get_body(("plain",)).get_content()).group(1)
    assert browser.post(link).status_code == 302
    assert browser.get("/support/eschool/requests/").status_code == 200


def _ask_for_link(email: str, remote_address: str):
    """(status, page text without the address, queries, jobs queued) of one request.

    Each from its own network address: the per-address rate limit's counter starts afresh."""
    browser = Client(REMOTE_ADDR=remote_address)
    with jobs_kept_queued() as jobs, CaptureQueriesContext(connection) as queries:
        response = browser.post("/support/eschool/signin", {"email": email})
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "",
                  response.content.decode().replace(email, "ADDRESS"))
    statements = [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in queries.captured_queries]
    return response.status_code, page, statements, [job.name for job in jobs]


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(eschool, teacher):
    known = _ask_for_link(teacher.email, "192.0.2.10")
    unknown = _ask_for_link("nobody@school12.example", "192.0.2.11")
    assert known[0] == unknown[0] == 200
    assert known[1] == unknown[1], "the page must not tell a customer from a stranger"
    assert known[2] == unknown[2], "the same database work, so the same time"
    assert known[3] == unknown[3] and len(known[3]) == 1, "one job each, which decides later"


def test_the_job_mails_a_link_to_a_known_address_only(eschool, teacher, smtp_server):
    Client().post("/support/eschool/signin", {"email": teacher.email.upper()})
    Client().post("/support/eschool/signin", {"email": "nobody@school12.example"})
    assert [m["To"] for m in smtp_server] == [teacher.email]
    [outbound] = OutboundMail.objects.all()
    assert outbound.ticket is None and outbound.template == "signin_link"


def test_a_link_asked_for_just_before_the_web_process_died_is_still_mailed(eschool, teacher,
                                                                            smtp_server):
    # GIVEN the web process is killed after the request's commit, before its job reached the
    # queue (the job is dropped: it never runs)
    with jobs_kept_queued() as lost:
        assert Client().post("/support/eschool/signin", {"email": teacher.email}).status_code == 200
    assert len(lost) == 1 and smtp_server == []
    # WHEN the job consumer's minute sweep runs once the grace period is over
    outbox.sweep(timezone.now() + timedelta(minutes=5))
    # THEN the link is mailed all the same, once; a second sweep sends nothing more
    assert [m["To"] for m in smtp_server] == [teacher.email]
    outbox.sweep(timezone.now() + timedelta(minutes=30))
    assert len(smtp_server) == 1 and OutboundMail.objects.count() == 1
