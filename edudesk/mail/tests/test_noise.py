"""Loop protection: which mails must never get an automatic answer."""

from __future__ import annotations

import pytest

from edudesk.mail.noise import NoiseKind
from edudesk.mail.parsing import parse_mail


def mail(headers: str, sender: str = "a.smirnova@school5-tver.example") -> bytes:
    return (
        f"From: {sender}\r\nTo: edu.support@eschool.example\r\nSubject: Вопрос\r\n"
        f"Message-ID: <n@x>\r\n{headers}\r\nжурнал не открывается\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ("Auto-Submitted: auto-replied\r\n", NoiseKind.AUTO_REPLY),
        ("Auto-Submitted: auto-generated\r\n", NoiseKind.AUTO_REPLY),
        ("X-Autoreply: yes\r\n", NoiseKind.AUTO_REPLY),
        ("X-Autorespond: Out of office\r\n", NoiseKind.AUTO_REPLY),
        ("Precedence: bulk\r\n", NoiseKind.BULK),
        ("Precedence: junk\r\n", NoiseKind.BULK),
        ("Precedence: list\r\n", NoiseKind.BULK),
        ("List-Id: <teachers.school5-tver.example>\r\n", NoiseKind.BULK),
    ],
)
def test_machine_written_mail_is_noise(headers, kind):
    assert parse_mail(mail(headers)).noise.kind is kind


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example", "postmaster@school5-tver.example"])
def test_mail_from_the_mailer_daemon_is_a_bounce(sender):
    verdict = parse_mail(mail("", sender)).noise
    assert verdict.kind is NoiseKind.BOUNCE and verdict.bounce is not None


@pytest.mark.parametrize("subject", ["Автоматический ответ: Вопрос", "Automatic reply: x",
                                     "Out of Office: x", "Автоответ: x"])
def test_auto_reply_subject_without_headers_is_noise(subject):
    raw = mail("").replace("Subject: Вопрос".encode(), f"Subject: {subject}".encode())
    assert parse_mail(raw).noise.kind is NoiseKind.AUTO_REPLY


@pytest.mark.parametrize("headers", ["", "Auto-Submitted: no\r\n", "Precedence: normal\r\n"])
def test_a_person_writing_is_not_noise(headers):
    assert not parse_mail(mail(headers)).noise.is_noise


def test_reply_to_an_auto_reply_subject_is_a_person():
    raw = mail("").replace("Subject: Вопрос".encode(), "Subject: Re: Автоответ: x".encode())
    assert not parse_mail(raw).noise.is_noise
