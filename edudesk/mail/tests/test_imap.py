"""The IMAP poller against a real dovecot: acknowledged only after commit, each mail once."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_save

from edudesk.mail.imap import DONE_KEYWORD, claim_due_mailboxes, poll_mailbox
from edudesk.mail.ingest import ImapLocation, ingest
from edudesk.mail.models import InboundMail, Mailbox, MailLocation
from edudesk.mail.tests.conftest import (
    TEACHER_ADDRESS,
    compose_reply,
    database_outage,
    read_corpus_mail,
)
from edudesk.testing.concurrency import run_concurrently
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
NEW_REQUESTS = ["utf8_new_request_with_png.eml", "koi8r_plain_8bit.eml",
                "cp1251_quoted_printable.eml", "iso88595_plain_8bit.eml",
                "nested_inline_image_and_zip.eml", "forwarded_message.eml"]


def inbox(dovecot, mailbox, folder="INBOX"):
    return dovecot.messages(mailbox.username, folder)


def append_all(dovecot, mailbox, names=NEW_REQUESTS):
    for n, name in enumerate(names):
        dovecot.append(from_teacher(read_corpus_mail(name), n), user=mailbox.username)


def from_teacher(raw: bytes, n: int) -> bytes:
    """The mail as teacher n of the school sends it. One sender's second mail about the same
    problem would be added to the first one's ticket (intake.repeats): these tests count
    mails stored, one ticket each."""
    return raw.replace(b"a.smirnova@school5-tver.example", f"teacher{n}@school5-tver.example".encode())


def numbered(raw: bytes, n: int) -> bytes:
    """A distinct mail (its own Message-ID, its own sender) with the same content."""
    return from_teacher(raw.replace(b"Message-ID: <", f"Message-ID: <n{n}.".encode(), 1), n)


def test_poll_stores_every_mail_and_moves_it_to_the_processed_folder(
    polled_mailbox, dovecot, smtp_capture
):
    append_all(dovecot, polled_mailbox)
    report = poll_mailbox(polled_mailbox)

    assert report.error == ""
    assert (report.fetched, report.stored, report.acknowledged) == (6, 6, 6)
    assert Ticket.objects.count() == 6
    assert inbox(dovecot, polled_mailbox) == []
    processed = inbox(dovecot, polled_mailbox, polled_mailbox.processed_folder)
    assert len(processed) == 6 and all("\\Seen" in flags for _raw, flags in processed)
    assert poll_mailbox(polled_mailbox).fetched == 0


def test_flag_mode_leaves_mail_in_the_inbox_marked_done(polled_mailbox, dovecot, smtp_capture):
    polled_mailbox.after_processing = Mailbox.AfterProcessing.FLAG
    polled_mailbox.save()
    append_all(dovecot, polled_mailbox, NEW_REQUESTS[:2])
    poll_mailbox(polled_mailbox)
    kept = inbox(dovecot, polled_mailbox)
    assert len(kept) == 2 and all(DONE_KEYWORD in flags for _raw, flags in kept)
    assert poll_mailbox(polled_mailbox).fetched == 0
    assert Ticket.objects.count() == 2


def test_delete_mode_removes_mail_after_it_is_stored(polled_mailbox, dovecot, smtp_capture):
    polled_mailbox.after_processing = Mailbox.AfterProcessing.DELETE
    polled_mailbox.save()
    append_all(dovecot, polled_mailbox, NEW_REQUESTS[:2])
    poll_mailbox(polled_mailbox)
    assert inbox(dovecot, polled_mailbox) == []
    assert InboundMail.objects.count() == 2


def test_database_failure_leaves_mail_unacknowledged_and_next_poll_stores_it_once(
    polled_mailbox, dovecot, smtp_capture
):
    append_all(dovecot, polled_mailbox, NEW_REQUESTS[:3])
    with database_outage():
        report = poll_mailbox(polled_mailbox)
    assert report.error and report.acknowledged == 0
    assert len(inbox(dovecot, polled_mailbox)) == 3
    assert InboundMail.objects.count() == 0

    report = poll_mailbox(polled_mailbox)
    assert (report.stored, report.acknowledged) == (3, 3)
    assert Ticket.objects.count() == 3 and inbox(dovecot, polled_mailbox) == []


def test_mail_committed_but_not_acknowledged_is_only_acknowledged_next_time(
    polled_mailbox, dovecot, smtp_capture
):
    """The process died after the commit and before the IMAP acknowledgement."""
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    dovecot.append(raw, user=polled_mailbox.username)
    with dovecot.connect(polled_mailbox.username) as client:
        client.select("INBOX")
        uidvalidity = int(client.response("UIDVALIDITY")[1][0])
    ingest(raw, service=polled_mailbox.service, source="imap", mailbox=polled_mailbox,
           location=ImapLocation(uidvalidity, 1))

    report = poll_mailbox(polled_mailbox)
    assert (report.fetched, report.acknowledged) == (0, 1)
    assert Ticket.objects.count() == 1 and inbox(dovecot, polled_mailbox) == []


def test_connection_dropped_mid_poll_loses_nothing_and_doubles_nothing(
    polled_mailbox, dovecot, smtp_capture
):
    append_all(dovecot, polled_mailbox, NEW_REQUESTS[:4])
    dropped = []

    def drop_connection_after_first_ticket(sender, instance, created, **kwargs):
        if created and not dropped:
            dropped.append(instance.pk)
            dovecot.kick(polled_mailbox.username)

    post_save.connect(drop_connection_after_first_ticket, sender=Ticket)
    try:
        first = poll_mailbox(polled_mailbox)
    finally:
        post_save.disconnect(drop_connection_after_first_ticket, sender=Ticket)
    assert first.error and first.stored == 1 and first.acknowledged == 0
    assert len(inbox(dovecot, polled_mailbox)) == 4

    second = poll_mailbox(polled_mailbox)
    assert second.error == "" and second.acknowledged == 4 and second.fetched == 3
    assert Ticket.objects.count() == 4 and InboundMail.objects.count() == 4
    assert inbox(dovecot, polled_mailbox) == []


def test_two_consumers_polling_the_same_mailbox_store_each_mail_once(
    polled_mailbox, dovecot, smtp_capture
):
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    for n in range(12):
        dovecot.append(numbered(raw, n), user=polled_mailbox.username)

    def consumer():
        mailbox = Mailbox.objects.select_related("service").get(pk=polled_mailbox.pk)
        return poll_mailbox(mailbox)

    # A consumer that loses the race may stop with a temporary failure (asserted below through
    # the mailbox's end state, not through the consumer's exception).
    reports, _errors = run_concurrently(consumer, 2)
    # A consumer that lost a race on SQLite's single writer stops with a temporary failure;
    # whatever is left is picked up by the next poll, as in production.
    poll_mailbox(polled_mailbox)

    assert InboundMail.objects.count() == 12
    assert Ticket.objects.count() == 12
    # Each ticket's first message is its mail (a request for missing data may follow it).
    assert sorted(Ticket.objects.filter(messages__author_contact__isnull=False)
                  .values_list("messages__external_id", flat=True)) == sorted(
        f"n{n}.1795941667.4417@school5-tver.example" for n in range(12))
    assert inbox(dovecot, polled_mailbox) == []
    assert sum(r.stored for r in reports) <= 12


def test_same_mail_in_two_mailboxes_makes_one_ticket(polled_mailbox, dovecot, smtp_capture,
                                                     eschool, imap_account_factory):
    other_account = imap_account_factory()
    copy_box = Mailbox.objects.create(
        name="Копия", address="copy@eschool.example", service=eschool, polling_enabled=True,
        host=dovecot.host, port=dovecot.port, security=Mailbox.Security.NONE,
        username=other_account, password=dovecot.users[other_account])
    raw = read_corpus_mail("utf8_new_request_with_png.eml")
    dovecot.append(raw, user=polled_mailbox.username)
    dovecot.append(raw, user=other_account)

    poll_mailbox(polled_mailbox)
    report = poll_mailbox(copy_box)
    assert report.duplicates == 1 and report.acknowledged == 1
    assert Ticket.objects.count() == 1
    assert MailLocation.objects.filter(inbound=InboundMail.objects.get()).count() == 2


def test_conversation_by_mail_end_to_end(polled_mailbox, dovecot, smtp_capture, line1_agent):
    """GIVEN a teacher's request by mail, WHEN the agent answers and she replies to that mail,
    THEN the reply lands in the same ticket and the thread holds together."""
    from edudesk.testing import factories
    from edudesk.tickets import services as tickets

    dovecot.append(read_corpus_mail("utf8_new_request_with_png.eml"), user=polled_mailbox.username)
    poll_mailbox(polled_mailbox)
    ticket = Ticket.objects.get()

    tickets.add_message(ticket, actor=factories.as_agent(line1_agent),
                        body="Очистите кэш браузера и войдите снова.")
    answer = smtp_capture.messages()[-1]
    assert answer["In-Reply-To"] and ticket.number in str(answer["Subject"])

    dovecot.append(compose_reply(answer, "Спасибо, заработало."), user=polled_mailbox.username)
    poll_mailbox(polled_mailbox)

    assert Ticket.objects.count() == 1
    assert ticket.messages.order_by("-id").first().body == "Спасибо, заработало."
    assert ticket.messages.order_by("-id").first().author_contact.email == TEACHER_ADDRESS


def test_wrong_password_is_reported_on_the_mailbox_without_the_password(polled_mailbox):
    polled_mailbox.password = "wrong-secret-value"
    polled_mailbox.save()
    report = poll_mailbox(polled_mailbox)
    polled_mailbox.refresh_from_db()
    assert report.error and polled_mailbox.last_error == report.error
    assert "wrong-secret-value" not in report.error
    assert "wrong-secret-value" not in repr(polled_mailbox)


def test_a_mailbox_is_claimed_by_one_consumer_at_a_time(polled_mailbox):
    assert claim_due_mailboxes() == [polled_mailbox.pk]
    assert claim_due_mailboxes() == []


def test_periodic_job_polls_due_mailboxes_and_releases_them(polled_mailbox, dovecot, smtp_capture):
    from edudesk.mail.tasks import poll_mailboxes_job

    dovecot.append(read_corpus_mail("koi8r_plain_8bit.eml"), user=polled_mailbox.username)
    poll_mailboxes_job.call_local()
    polled_mailbox.refresh_from_db()
    assert Ticket.objects.count() == 1
    assert polled_mailbox.last_polled_at is not None and polled_mailbox.poll_lease_until is None
    assert claim_due_mailboxes() == [], "polled a moment ago: not due yet"
