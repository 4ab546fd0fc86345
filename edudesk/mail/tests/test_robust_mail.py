"""Mail that used to be refused or lost: signed, encrypted, without a usable sender.

The mails are tests/mail/corpus/robust (written by corpus_robust.py).
"""

from __future__ import annotations

import pytest

from edudesk.mail.ingest import ingest, rerun
from edudesk.mail.models import InboundMail
from edudesk.mail.parsing import parse_mail
from edudesk.mail.tests.conftest import read_corpus_mail
from edudesk.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db(transaction=True)
State = InboundMail.State
RULE = "не принимаются к рассмотрению"


def deliver(name: str, mailbox):
    return ingest(read_corpus_mail(f"robust/{name}.eml"), service=mailbox.service,
                  source="test", mailbox=mailbox)


@pytest.mark.parametrize(("name", "kind"), [("smime_signed", "S/MIME"),
                                            ("pgp_mime_signed", "PGP"),
                                            ("pgp_inline_signed", "PGP")])
def test_signed_mail_is_a_request_and_its_signature_is_no_refused_file(name, kind,
                                                                       support_mailbox,
                                                                       smtp_capture):
    mail = parse_mail(read_corpus_mail(f"robust/{name}.eml"))
    assert mail.signed == kind and mail.attachments == [] and not mail.encrypted
    assert "PGP SIGNATURE" not in mail.text and "BEGIN PGP" not in mail.text

    result = deliver(name, support_mailbox)

    assert result.state == State.CREATED
    assert Attachment.objects.count() == 0
    [notice] = smtp_capture.messages()
    assert RULE not in notice.get_body(("plain",)).get_content()


@pytest.mark.parametrize(("name", "kind"), [("pgp_mime_encrypted", "PGP"),
                                            ("smime_encrypted", "S/MIME")])
def test_encrypted_mail_is_kept_in_quarantine_with_the_reason_and_not_answered(
    name, kind, support_mailbox, smtp_capture
):
    result = deliver(name, support_mailbox)
    row = InboundMail.objects.get(pk=result.inbound_id)
    assert row.state == State.QUARANTINED and "зашифровано" in row.detail and kind in row.detail
    assert bytes(row.raw) == read_corpus_mail(f"robust/{name}.eml")
    assert Ticket.objects.count() == 0 and smtp_capture.received == []


@pytest.mark.parametrize("name", ["no_from", "from_without_address", "broken_headers"])
def test_mail_without_a_usable_sender_is_quarantined_not_refused(name, support_mailbox,
                                                                 smtp_capture):
    result = deliver(name, support_mailbox)
    row = InboundMail.objects.get(pk=result.inbound_id)
    assert row.state == State.QUARANTINED and "адреса отправителя" in row.detail
    assert bytes(row.raw) == read_corpus_mail(f"robust/{name}.eml")
    assert Ticket.objects.count() == 0 and smtp_capture.received == []
    assert rerun(row).state == State.QUARANTINED  # run again: still nobody to answer


def test_agent_makes_a_ticket_for_the_address_they_name(support_mailbox, smtp_capture):
    row = InboundMail.objects.get(pk=deliver("no_from", support_mailbox).inbound_id)

    result = rerun(row, sender="A.Smirnova@school5-tver.example")

    ticket = Ticket.objects.get()
    assert result.state == State.CREATED and result.ticket_id == ticket.pk
    assert ticket.requester.email == "a.smirnova@school5-tver.example"
    assert "расписание" in ticket.messages.order_by("id").first().body
    [notice] = smtp_capture.messages()
    assert "a.smirnova@school5-tver.example" in notice["To"]
    row.refresh_from_db()
    assert row.from_address == "a.smirnova@school5-tver.example" and row.attempts == 2


def test_scanner_reusing_its_message_id_loses_no_mail(support_mailbox, smtp_capture):
    first = deliver("reused_id_first", support_mailbox)
    second = deliver("reused_id_second", support_mailbox)
    again = deliver("reused_id_second", support_mailbox)
    assert first.inbound_id != second.inbound_id and again.inbound_id == second.inbound_id
    assert InboundMail.objects.filter(reused_message_id=True).count() == 1
    # Both scans are kept: the second as its own ticket, or — the same sender writing the same
    # again (intake.repeats) — as a message added to the first one's ticket.
    assert Ticket.objects.filter(subject="Скан 1").exists()
    row = InboundMail.objects.get(pk=second.inbound_id)
    assert row.state in ("created", "added") and row.ticket is not None
