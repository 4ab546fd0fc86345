"""One Message-ID, two mails: the same mail twice changes nothing, a different one is kept."""

from __future__ import annotations

import pytest

from edudesk.mail.identity import content_fingerprint
from edudesk.mail.ingest import ingest
from edudesk.mail.models import InboundMail
from edudesk.mail.tests.conftest import read_corpus_mail
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
State = InboundMail.State


def deliver(raw: bytes, mailbox):
    return ingest(raw, service=mailbox.service, source="test", mailbox=mailbox)


def with_trace(raw: bytes, hop: str) -> bytes:
    """The mail as another delivery path hands it over: trace headers in front, CRLF → LF."""
    trace = (f"Return-Path: <a.smirnova@school5-tver.example>\r\nDelivered-To: {hop}\r\n"
             f"Received: from mx.{hop.rpartition('@')[2]} by imap; Tue, 24 Nov 2026 09:42:00\r\n")
    return (trace.encode() + raw).replace(b"\r\n", b"\n")


def test_the_same_mail_through_two_delivery_paths_is_stored_once(support_mailbox, smtp_capture):
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    first = deliver(raw, support_mailbox)
    again = deliver(with_trace(raw, "edu.support@eschool.example"), support_mailbox)
    assert again.duplicate and again.inbound_id == first.inbound_id
    assert InboundMail.objects.count() == 1 and Ticket.objects.count() == 1
    assert len(smtp_capture.received) == 1


def test_a_different_mail_under_a_known_message_id_is_stored_and_flagged(support_mailbox,
                                                                         smtp_capture):
    first_raw = read_corpus_mail("koi8r_plain_8bit.eml")
    # From another teacher: the same sender's second mail about the same problem would be added
    # to the first one's ticket (intake.repeats).
    other_raw = read_corpus_mail("cp1251_quoted_printable.eml").replace(
        b"windows-1251.20261124.0941@", b"koi8-r.20261124.0941@").replace(
        b"a.smirnova@school5-tver.example", b"o.petrova@school5-tver.example")
    first = deliver(first_raw, support_mailbox)

    second = deliver(other_raw, support_mailbox)

    assert not second.duplicate and second.inbound_id != first.inbound_id
    row = InboundMail.objects.get(pk=second.inbound_id)
    assert row.reused_message_id and bytes(row.raw) == other_raw
    assert row.message_id.startswith("koi8-r.20261124.0941@school5-tver.example#")
    assert row.state == State.CREATED and Ticket.objects.count() == 2
    assert not InboundMail.objects.get(pk=first.inbound_id).reused_message_id


def test_the_different_mail_delivered_again_changes_nothing(support_mailbox, smtp_capture):
    first_raw = read_corpus_mail("koi8r_plain_8bit.eml")
    other_raw = first_raw.replace("расписание".encode("koi8-r"), "журнал".encode("koi8-r")).replace(
        b"a.smirnova@school5-tver.example", b"o.petrova@school5-tver.example")  # not a repeat
    deliver(first_raw, support_mailbox)
    second = deliver(other_raw, support_mailbox)
    third = deliver(other_raw, support_mailbox)
    assert third.duplicate and third.inbound_id == second.inbound_id
    assert InboundMail.objects.count() == 2 and Ticket.objects.count() == 2


def test_fingerprint_ignores_delivery_trace_and_line_ends_but_not_the_text():
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    assert content_fingerprint(with_trace(raw, "x@y.example")) == content_fingerprint(raw)
    assert content_fingerprint(raw.replace(b"Subject: ", b"Subject: Re: ", 1)) != (
        content_fingerprint(raw))
