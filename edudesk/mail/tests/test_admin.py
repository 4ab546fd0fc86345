"""Administrators: mailbox credentials stay write-only; quarantine and held mail are handled."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edudesk.accounts.models import User
from edudesk.mail.ingest import ingest
from edudesk.mail.models import InboundMail, Mailbox
from edudesk.mail.tests.conftest import read_corpus_mail
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("admin", "admin@eschool.example", "pass-12345-word",
                                          kind=User.Kind.ADMINISTRATOR)
    client.force_login(admin)
    return client


def test_mailbox_password_is_never_shown_and_kept_when_left_empty(admin_client, support_mailbox):
    support_mailbox.password = "imap-secret-value"
    support_mailbox.save()
    url = reverse("admin:mail_mailbox_change", args=[support_mailbox.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and b"imap-secret-value" not in page.content
    form = {"name": support_mailbox.name, "address": support_mailbox.address,
            "service": support_mailbox.service_id, "host": "imap.eschool.example", "port": 993,
            "security": "ssl", "username": "support", "password": "", "folder": "INBOX",
            "after_processing": "move", "processed_folder": "edudesk/processed",
            "poll_interval_seconds": 60}
    assert admin_client.post(url, form).status_code == 302
    support_mailbox.refresh_from_db()
    assert support_mailbox.password == "imap-secret-value"
    assert support_mailbox.host == "imap.eschool.example"


def test_quarantined_mail_is_downloadable_whole_and_rerun_from_the_admin(
    admin_client, support_mailbox, smtp_capture, settings
):
    settings.EDUDESK_MAIL_MAX_BYTES = 100
    raw = read_corpus_mail("koi8r_plain_8bit.eml")
    result = ingest(raw, service=support_mailbox.service, source="test", mailbox=support_mailbox)
    raw_url = reverse("admin:mail_inboundmail_raw", args=[result.inbound_id])
    assert admin_client.get(raw_url).content == raw

    settings.EDUDESK_MAIL_MAX_BYTES = 10_000_000
    admin_client.post(reverse("admin:mail_inboundmail_changelist"),
                      {"action": "rerun_mail", "_selected_action": [result.inbound_id]})
    assert InboundMail.objects.get().state == InboundMail.State.CREATED
    assert Ticket.objects.count() == 1


def test_mailbox_admin_lists_mailboxes(admin_client, support_mailbox):
    page = admin_client.get(reverse("admin:mail_mailbox_changelist"))
    assert page.status_code == 200 and support_mailbox.address.encode() in page.content
    assert Mailbox.objects.count() == 1


def test_admin_makes_a_ticket_of_a_mail_without_sender_for_the_address_named(
    admin_client, support_mailbox, smtp_capture
):
    result = ingest(read_corpus_mail("robust/no_from.eml"), service=support_mailbox.service,
                    source="test", mailbox=support_mailbox)
    change = admin_client.get(reverse("admin:mail_inboundmail_change", args=[result.inbound_id]))
    url = reverse("admin:mail_inboundmail_ticket_for_address", args=[result.inbound_id])
    assert url.encode() in change.content

    refused = admin_client.post(url, {"address": "не адрес"})
    assert refused.status_code == 200 and Ticket.objects.count() == 0
    assert "Введите правильный адрес электронной почты" in refused.content.decode()

    admin_client.post(url, {"address": "a.smirnova@school5-tver.example"})
    ticket = Ticket.objects.get()
    assert ticket.requester.email == "a.smirnova@school5-tver.example"
    assert InboundMail.objects.get().state == InboundMail.State.CREATED
