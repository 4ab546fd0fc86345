"""``receive_mail`` for MTA pipes and the LMTP endpoint: stored, or a temporary failure."""

from __future__ import annotations

import io
import smtplib
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from edudesk.mail.lmtp import lmtp_controller
from edudesk.mail.management.commands.receive_mail import EX_TEMPFAIL, EX_USAGE
from edudesk.mail.models import InboundMail
from edudesk.mail.tests.conftest import (
    SUPPORT_ADDRESS,
    database_outage,
    load_mail_test_module,
    read_corpus_mail,
)
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def pipe(monkeypatch, raw: bytes, *arguments: str) -> str:
    """Run the command as Postfix's pipe(8) would: the message on standard input."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("receive_mail", *arguments, stdout=out)
    return out.getvalue()


def test_piped_mail_is_stored_and_the_command_exits_zero(monkeypatch, support_mailbox,
                                                          smtp_capture):
    out = pipe(monkeypatch, read_corpus_mail("utf8_new_request_with_png.eml"), "--service", "eschool")
    assert out.startswith("created")
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.get().source == "pipe"


def test_mbox_from_line_added_by_the_mta_is_ignored(monkeypatch, support_mailbox, smtp_capture):
    raw = b"From a.smirnova@school5-tver.example Tue Nov 24 09:41:07 2026\n" + read_corpus_mail(
        "koi8r_plain_8bit.eml")
    pipe(monkeypatch, raw, "--service", "eschool")
    assert InboundMail.objects.get().subject == "Не открывается расписание"


def test_mail_piped_twice_is_stored_once(monkeypatch, support_mailbox, smtp_capture):
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    pipe(monkeypatch, raw, "--service", "eschool")
    assert "duplicate" in pipe(monkeypatch, raw, "--service", "eschool")
    assert Ticket.objects.count() == 1


def test_database_failure_exits_75_and_stores_nothing_so_the_mta_retries(
    monkeypatch, support_mailbox, smtp_capture
):
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    with database_outage(), pytest.raises(CommandError) as failure:
        pipe(monkeypatch, raw, "--service", "eschool")
    assert failure.value.returncode == EX_TEMPFAIL
    assert InboundMail.objects.count() == 0 and Ticket.objects.count() == 0
    pipe(monkeypatch, raw, "--service", "eschool")
    assert Ticket.objects.count() == 1


def test_unknown_service_is_a_usage_error(monkeypatch, support_mailbox):
    with pytest.raises(CommandError) as failure:
        pipe(monkeypatch, read_corpus_mail("koi8r_plain_8bit.eml"), "--service", "nosuch")
    assert failure.value.returncode == EX_USAGE


def test_lmtp_answers_each_recipient_and_stores_the_mail_once(support_mailbox, smtp_capture):
    port = load_mail_test_module("servers").free_port()
    controller = lmtp_controller("127.0.0.1", port)
    controller.start()
    try:
        with smtplib.LMTP("127.0.0.1", port) as client:
            client.ehlo_or_helo_if_needed()
            client.mail("a.smirnova@school5-tver.example")
            recipients = [SUPPORT_ADDRESS.upper(), "nobody@eschool.example",
                          "edu.support+t-1-0@eschool.example"]
            answers = [client.rcpt(address)[0] for address in recipients]
            first = client.data(read_corpus_mail("utf8_new_request_with_png.eml"))[0]
            # LMTP (RFC 2033): one reply per accepted recipient after the data.
            second = client.getreply()[0]
    finally:
        controller.stop()
    assert answers == [250, 550, 250]
    assert (first, second) == (250, 250)
    assert InboundMail.objects.get().source == "lmtp"
    assert Ticket.objects.count() == 1


def test_lmtp_mail_from_the_null_sender_is_kept_out_of_the_queue(support_mailbox, smtp_capture):
    port = load_mail_test_module("servers").free_port()
    controller = lmtp_controller("127.0.0.1", port)
    controller.start()
    raw = read_corpus_mail("koi8r_plain_8bit.eml")
    try:
        with smtplib.LMTP("127.0.0.1", port) as client:
            client.sendmail("<>", [SUPPORT_ADDRESS], raw)
            client.sendmail("a.smirnova@school5-tver.example", [SUPPORT_ADDRESS],
                            read_corpus_mail("cp1251_quoted_printable.eml"))
    finally:
        controller.stop()
    null, person = InboundMail.objects.order_by("id")
    assert null.state == InboundMail.State.NOISE and null.detail == "Return-Path: <>"
    assert bytes(null.raw) == b"Return-Path: <>\r\n" + raw
    assert person.state == InboundMail.State.CREATED
    assert bytes(person.raw).startswith(b"Return-Path: <a.smirnova@school5-tver.example>\r\n")
    assert Ticket.objects.count() == 1
