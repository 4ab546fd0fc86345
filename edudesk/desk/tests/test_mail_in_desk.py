"""Mail in the conversation: held mail decided by an agent; inline images of HTML mail shown."""

from email.message import EmailMessage

import pytest
from django.test import Client
from django.urls import reverse

from edudesk.desk.tests.conftest import png_bytes
from edudesk.mail.ingest import ingest
from edudesk.mail.models import InboundMail, Mailbox
from edudesk.mail.tests.conftest import SUPPORT_ADDRESS, read_corpus_mail
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db
COLLEAGUE = "e.kuznetsova@school5-tver.example"


@pytest.fixture
def mailbox(eschool):
    return Mailbox.objects.create(name="Техподдержка", address=SUPPORT_ADDRESS, service=eschool)


@pytest.fixture
def mail_ticket(mailbox) -> Ticket:
    """Анна Викторовна's request by mail (a PNG screenshot attached)."""
    result = ingest(read_corpus_mail("utf8_new_request_with_png.eml"), service=mailbox.service,
                    source="test", mailbox=mailbox)
    return Ticket.objects.get(pk=result.ticket_id)


def colleague_writes(mailbox, ticket: Ticket, text: str, n: int = 1) -> InboundMail:
    """Елена Петровна, not a participant, writes in the ticket's thread: the mail is held."""
    mail = EmailMessage()
    mail["From"] = f"Кузнецова Елена Петровна <{COLLEAGUE}>"
    mail["To"] = SUPPORT_ADDRESS
    mail["Subject"] = f"Re: [{ticket.number}] {ticket.subject}"
    mail["Message-ID"] = f"<colleague.{n}@school5-tver.example>"
    mail.set_content(text)
    result = ingest(mail.as_bytes(), service=mailbox.service, source="test", mailbox=mailbox)
    assert result.state == InboundMail.State.HELD
    return InboundMail.objects.get(pk=result.inbound_id)


def page(client, ticket) -> str:
    return client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()


def test_an_agent_accepts_a_held_mail_into_the_ticket(agent_client, mailbox, mail_ticket):
    held = colleague_writes(mailbox, mail_ticket, "У меня в 7«А» та же ошибка.")
    html = page(agent_client, mail_ticket)
    accept_url = reverse("desk:accept_held", args=[mail_ticket.number, held.pk])
    assert f'action="{accept_url}"' in html and "Принять письмо в обращение" in html
    assert "csrfmiddlewaretoken" in html
    text = agent_client.get(reverse("desk:held_mail", args=[mail_ticket.number, held.pk]))
    assert "У меня в 7«А» та же ошибка." in text.content.decode()

    response = agent_client.post(accept_url)

    held.refresh_from_db()
    assert held.state == InboundMail.State.ADDED
    assert response.status_code == 302
    assert response["Location"].endswith(f"#m{held.ticket_message_id}")
    message = mail_ticket.messages.get(pk=held.ticket_message_id)
    assert message.author_contact.email == COLLEAGUE
    html = page(agent_client, mail_ticket)
    assert "У меня в 7«А» та же ошибка." in html
    assert "Принять письмо в обращение" not in html, "decided: no buttons any more"
    assert "было задержано" in html


def test_an_agent_rejects_a_held_mail_and_the_ticket_notes_it(agent_client, mailbox, mail_ticket,
                                                             line1_agent):
    held = colleague_writes(mailbox, mail_ticket, "Реклама курсов.")
    response = agent_client.post(reverse("desk:reject_held", args=[mail_ticket.number, held.pk]))

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.state == InboundMail.State.REFUSED
    assert mail_ticket.messages.filter(body__contains="Реклама").count() == 0
    html = page(agent_client, mail_ticket)
    assert f"Письмо от {COLLEAGUE} отклонено. — {line1_agent}" in " ".join(html.split())
    again = agent_client.post(reverse("desk:accept_held", args=[mail_ticket.number, held.pk]))
    assert again.status_code == 302
    held.refresh_from_db()
    assert held.state == InboundMail.State.REFUSED, "a decided mail is not decided again"


def test_held_mail_of_another_service_is_not_found_and_get_does_not_accept(
    outsider_client, mailbox, mail_ticket
):
    held = colleague_writes(mailbox, mail_ticket, "Та же ошибка.")
    for name in ("desk:accept_held", "desk:reject_held", "desk:held_mail"):
        url = reverse(name, args=[mail_ticket.number, held.pk])
        assert outsider_client.post(url).status_code == 404
    held.refresh_from_db()
    assert held.state == InboundMail.State.HELD


def test_accepting_needs_a_post_with_a_csrf_token(line1_agent, mailbox, mail_ticket):
    held = colleague_writes(mailbox, mail_ticket, "Та же ошибка.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(line1_agent)
    url = reverse("desk:accept_held", args=[mail_ticket.number, held.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    held.refresh_from_db()
    assert held.state == InboundMail.State.HELD


def html_mail_with_inline_images() -> bytes:
    """Thunderbird's HTML mail: two pasted screenshots, one cid: link to a part that is absent."""
    mail = EmailMessage()
    mail["From"] = "Смирнова Анна Викторовна <a.smirnova@school5-tver.example>"
    mail["To"] = SUPPORT_ADDRESS
    mail["Subject"] = "Ошибка в отчёте"
    mail["Message-ID"] = "<inline.7001@school5-tver.example>"
    mail.set_content("Ошибка в отчёте, см. картинки.")
    mail.add_alternative(
        '<p>Ошибка в отчёте:</p><img src="cid:one@tb" alt="первый снимок">'
        '<img src="cid:two@tb" alt="второй снимок"><img src="cid:lost@tb" alt="потерянный">'
        '<img src="/desk/sign-out" alt="ловушка">', subtype="html")
    html_part = mail.get_payload()[1]
    for cid, colour in (("one@tb", (200, 0, 0)), ("two@tb", (0, 0, 200))):
        html_part.add_related(png_bytes(colour), maintype="image", subtype="png", cid=f"<{cid}>",
                              filename="image.png")
    return mail.as_bytes()


def test_inline_images_of_an_html_mail_are_shown_through_the_checked_attachment_view(
    agent_client, outsider_agent, mailbox
):
    result = ingest(html_mail_with_inline_images(), service=mailbox.service, source="test",
                    mailbox=mailbox)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.attachments.count() == 2

    html = page(agent_client, ticket)

    first = reverse("desk:attachment", args=[ticket.number, 1])
    second = reverse("desk:attachment", args=[ticket.number, 2])
    assert f'<img src="{first}" alt="первый снимок">' in html
    assert f'<img src="{second}" alt="второй снимок">' in html, "same file names, own images"
    assert '<img alt="потерянный">' in html and "cid:" not in html
    assert 'src="/desk/sign-out"' not in html, "a mail's relative links never reach the page"
    assert agent_client.get(first).status_code == 200
    outsider = Client()
    outsider.force_login(outsider_agent)
    assert outsider.get(first).status_code == 404


def test_out_of_office_reply_in_the_thread_is_a_line_in_the_conversation(agent_client, mailbox,
                                                                           mail_ticket):
    mail = EmailMessage()
    mail["From"] = "Смирнова Анна Викторовна <a.smirnova@school5-tver.example>"
    mail["To"] = SUPPORT_ADDRESS
    mail["Subject"] = f"Нет на месте: [{mail_ticket.number}] {mail_ticket.subject}"
    mail["Message-ID"] = "<ooo.1@school5-tver.example>"
    mail.set_content("Я в отпуске до 30 ноября.")
    result = ingest(mail.as_bytes(), service=mailbox.service, source="test", mailbox=mailbox)

    assert result.state == InboundMail.State.NOISE and result.ticket_id == mail_ticket.pk
    html = page(agent_client, mail_ticket)
    assert "Автоответ от a.smirnova@school5-tver.example" in html
    assert mail_ticket.messages.count() == 1
