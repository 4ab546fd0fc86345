"""The default mail texts: every one in Russian and in English, and how an existing installation
takes new defaults (``manage.py reset_mail_templates``) without losing an administrator's edits."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from edudesk.mail.mail_templates import ALL_KEYS, LANGUAGES, default_texts
from edudesk.mail.models import MailTemplate
from edudesk.testing import factories

pytestmark = pytest.mark.django_db

Key = MailTemplate.Key
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def row(key: str, language: str) -> MailTemplate:
    return MailTemplate.objects.get(key=key, language=language, service=None)


def reset(*args: str) -> str:
    out = StringIO()
    call_command("reset_mail_templates", *args, stdout=out)
    return out.getvalue()


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


def test_rows_are_created_with_the_defaults_and_known_as_unedited():
    for key in ALL_KEYS:
        for language in LANGUAGES:
            template = row(key, language)
            assert (template.subject, template.body_text) == default_texts(key, language)
            assert not template.edited


def test_a_dry_run_shows_what_would_change_and_changes_nothing():
    # An installation from before: the English row still holds the Russian text of that time.
    old_subject, old_text = default_texts(Key.REGISTERED, "ru")
    MailTemplate.objects.filter(key=Key.REGISTERED, language="en", service=None).update(
        subject=old_subject, body_text=old_text,
        default_digest=MailTemplate.content_digest(old_subject, old_text))  # written by edudesk
    output = reset("--dry-run")
    assert "registered/en: would be reset" in output
    assert "-" + old_subject.splitlines()[0] in output  # a diff of the text
    assert "+" + default_texts(Key.REGISTERED, "en")[0] in output
    assert row(Key.REGISTERED, "en").body_text == old_text
    assert "nothing changed (dry run)" in output


def test_an_old_default_is_replaced_by_the_new_one():
    old_subject, old_text = default_texts(Key.REGISTERED, "ru")
    MailTemplate.objects.filter(key=Key.REGISTERED, language="en", service=None).update(
        subject=old_subject, body_text=old_text,
        default_digest=MailTemplate.content_digest(old_subject, old_text))  # written by edudesk
    output = reset()
    assert "registered/en: reset" in output
    assert (row(Key.REGISTERED, "en").subject, row(Key.REGISTERED, "en").body_text) == (
        default_texts(Key.REGISTERED, "en"))
    assert not row(Key.REGISTERED, "en").edited


def test_a_template_an_administrator_edited_is_kept_unless_forced():
    template = row(Key.AGENT_REPLY, "ru")
    template.body_text = "{{ message }}\n\nС уважением, техподдержка школы."
    template.save()
    assert template.edited
    output = reset()
    assert "agent_reply/ru: edited by an administrator, kept (--force replaces it)" in output
    assert row(Key.AGENT_REPLY, "ru").body_text.endswith("С уважением, техподдержка школы.")
    reset("--force", "agent_reply")
    assert row(Key.AGENT_REPLY, "ru").body_text == default_texts(Key.AGENT_REPLY, "ru")[1]
    assert not row(Key.AGENT_REPLY, "ru").edited


def test_a_services_own_template_is_never_touched_even_when_forced():
    eschool = factories.service("eschool")
    own = MailTemplate.objects.create(key=Key.REGISTERED, language="ru", service=eschool,
                                      subject="Своя тема", body_text="свой текст")
    reset("--force")
    own.refresh_from_db()
    assert own.body_text == "свой текст"


def test_up_to_date_templates_are_left_alone():
    assert "nothing to reset" in reset()


def test_an_unknown_key_is_refused():
    with pytest.raises(CommandError, match="unknown template keys: nonsense"):
        reset("nonsense")


def test_rows_written_before_the_marks_are_known_by_the_defaults_earlier_versions_wrote():
    """An installation upgraded to this version: its rows carry no mark yet. A row holding a
    text some version of edudesk wrote (the English rows hold the Russian text: their English
    was never extracted) is taken as unedited; anything else as an administrator's."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("edudesk.mail.migrations.0009_template_default_digest")
    russian_subject, russian_text = default_texts(Key.STATUS_CHANGED, "ru")
    MailTemplate.objects.filter(key=Key.STATUS_CHANGED, language="en", service=None).update(
        subject=russian_subject, body_text=russian_text)
    MailTemplate.objects.filter(key=Key.CLOSED, language="ru", service=None).update(
        body_text="Обращение {{ number }} закрыто. Спасибо, что обратились в нашу школу!")
    MailTemplate.objects.update(default_digest="")
    migration.mark_shipped_defaults(apps, None)
    assert not row(Key.STATUS_CHANGED, "en").edited
    assert not row(Key.MERGED, "ru").edited
    assert row(Key.CLOSED, "ru").edited
    output = reset()
    assert "status_changed/en: reset" in output
    assert "closed/ru: edited by an administrator, kept" in output
    assert row(Key.STATUS_CHANGED, "en").subject == default_texts(Key.STATUS_CHANGED, "en")[0]


def test_a_template_edited_in_the_admin_is_shown_as_edited_and_kept(client):
    from django.urls import reverse

    from edudesk.accounts.models import User

    client.force_login(User.objects.create_superuser("admin", "admin@eschool.example",
                                                     "pass-12345-word"))
    template = row(Key.CLOSED, "ru")
    response = client.post(reverse("admin:mail_mailtemplate_change", args=[template.pk]), {
        "key": template.key, "language": "ru", "service": "", "subject": template.subject,
        "body_text": template.body_text + "\nЖдём вас снова!", "body_html": ""})
    assert response.status_code == 302
    assert row(Key.CLOSED, "ru").edited
    listing = client.get(reverse("admin:mail_mailtemplate_changelist")).content.decode()
    assert "Изменён (reset_mail_templates его не заменит)" in listing
    assert "closed/ru: edited by an administrator, kept" in reset()
    assert row(Key.CLOSED, "ru").body_text.endswith("Ждём вас снова!")
