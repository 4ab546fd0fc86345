"""The default mail texts: every one in Russian and in English, and how an existing installation
takes new defaults (``manage.py reset_mail_templates``) without losing an administrator's edits."""

from __future__ import annotations

import re

import pytest

from edudesk.mail.mail_templates import ALL_KEYS, default_texts
from edudesk.mail.models import MailTemplate
from edudesk.testing import factories

pytestmark = pytest.mark.django_db

Key = MailTemplate.Key
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_default_mail_has_an_english_text(key):
    subject, text = default_texts(key, "en")
    assert not CYRILLIC.search(subject), subject
    assert not CYRILLIC.search(text), text
    assert (subject, text) != default_texts(key, "ru")


@pytest.mark.django_db(transaction=True)  # the mail is composed after commit
def test_an_english_speaking_customer_is_registered_in_english(eschool, school):
    from edudesk.mail.models import OutboundMail

    teacher = factories.contact(eschool, full_name="Mary Smith", org=school,
                                email="m.smith@school12.example")
    teacher.language = "en"
    teacher.save()
    ticket = factories.ticket(eschool, teacher)
    mail = OutboundMail.objects.get(to_address=teacher.email)
    assert mail.subject.endswith(f"Request registered: {ticket.subject}")
    assert f"Your request is registered under number {ticket.number}" in mail.body_text
