"""A received mail is kept whole, compressed: read back byte for byte as it came."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from edudesk.core.fields import COMPRESSED
from edudesk.mail.ingest import ingest
from edudesk.mail.models import InboundMail
from edudesk.mail.tests.conftest import read_corpus_mail

pytestmark = pytest.mark.django_db


def stored_bytes(pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT raw FROM mail_inboundmail WHERE id = %s", [pk])
        return bytes(cursor.fetchone()[0])


def test_a_received_mail_is_stored_compressed_and_read_back_unchanged(support_mailbox):
    raw = read_corpus_mail("outlook_reply_with_jpeg.eml")
    ingest(raw, service=support_mailbox.service, source="test", mailbox=support_mailbox)
    row = InboundMail.objects.get()
    assert bytes(row.raw) == raw and row.size == len(raw)
    stored = stored_bytes(row.pk)
    assert stored.startswith(COMPRESSED) and len(stored) < len(raw) * 0.6


def test_mails_stored_before_compression_are_read_as_they_are_and_compressed_by_the_migration(
        support_mailbox):
    """GIVEN a mail stored uncompressed (before migration 0013), THEN it reads unchanged;
    WHEN the migration runs, THEN it is stored compressed and still reads the same; going back
    stores it uncompressed again."""
    migration = importlib.import_module("edudesk.mail.migrations.0013_raw_mail_compressed")
    raw = read_corpus_mail("forwarded_message.eml")
    ingest(raw, service=support_mailbox.service, source="test", mailbox=support_mailbox)
    row = InboundMail.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mail_inboundmail SET raw = %s WHERE id = %s", [raw, row.pk])
    assert bytes(InboundMail.objects.get().raw) == raw

    editor = SimpleNamespace(connection=connection)  # all the migration's functions use
    migration.compress(apps, editor)
    assert stored_bytes(row.pk).startswith(COMPRESSED)
    assert bytes(InboundMail.objects.get().raw) == raw

    migration.decompress(apps, editor)
    assert stored_bytes(row.pk) == raw
