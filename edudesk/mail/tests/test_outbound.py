"""Mail out: notifications from ticket events, threaded, templated, retried, never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.mail.backends import locmem
from django.db.models.functions import Lower
from django.utils import timezone

from edudesk.mail.ingest import ingest
from edudesk.mail.models import MailTemplate, OutboundMail
from edudesk.mail.outbound import requeue_stalled, retry_delay, send_outbound
from edudesk.mail.tests.conftest import TEACHER_ADDRESS, load_mail_test_module, read_corpus_mail
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Event, Ticket
from edudesk.tickets.status import Status

pytestmark = pytest.mark.django_db(transaction=True)


def mail_request(mailbox) -> Ticket:
    ingest(read_corpus_mail("utf8_new_request_with_png.eml"), service=mailbox.service,
           source="test", mailbox=mailbox)
    return Ticket.objects.get()


def plain(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def subject(mail) -> str:
    return " ".join(str(mail["Subject"]).split())


def test_agent_reply_is_mailed_in_the_thread_with_text_and_html(
    support_mailbox, smtp_capture, line1_agent
):
    ticket = mail_request(support_mailbox)
    notice = OutboundMail.objects.get()
    tickets.add_message(ticket, actor=factories.as_agent(line1_agent),
                        body="Очистите кэш браузера: https://eschool.example/help/cache")

    answer = smtp_capture.messages()[-1]
    stored = OutboundMail.objects.latest("id")
    assert subject(answer) == f"[{ticket.number}] {ticket.subject}"
    assert answer["Message-ID"] == f"<{stored.message_id}>"
    assert answer["In-Reply-To"] == f"<{notice.message_id}>"
    assert str(answer["References"]).split() == [
        "<1795941667.4417@school5-tver.example>", f"<{notice.message_id}>"]
    assert answer["Auto-Submitted"] is None, "a person's answer is not an automatic mail"
    assert answer["Reply-To"].startswith("edu.support+t-")
    assert "Очистите кэш браузера" in answer.get_body(("plain",)).get_content()
    html = answer.get_body(("html",)).get_content()
    assert '<a href="https://eschool.example/help/cache"' in html
    assert len(smtp_capture.received) == 2, "the automatic «в обработке» move sends nothing"


def test_customer_hears_of_status_changes_they_care_about_but_not_of_their_own(
    support_mailbox, smtp_capture, line1_agent
):
    ticket = mail_request(support_mailbox)
    agent = factories.as_agent(line1_agent)
    tickets.transition(ticket, Status.IN_WORK, actor=agent)
    assert subject(smtp_capture.messages()[-1]) == (
        f"[{ticket.number}] Статус обращения: Обращение в работе")
    tickets.add_message(ticket, actor=agent, body="Исправлено, проверьте.")
    tickets.transition(ticket, Status.ANSWERED, actor=agent)
    before = len(smtp_capture.received)
    tickets.add_message(ticket, actor=factories.as_customer(ticket.requester), body="Не работает.")
    assert len(smtp_capture.received) == before, "her own reply reopened it: nothing to tell"
    tickets.transition(ticket, Status.RESOLVED, actor=agent)
    # The closing mail waits while the agent may still undo the closing (tickets.policy).
    held = OutboundMail.objects.filter(ticket=ticket).latest("id")
    assert len(smtp_capture.received) == before and held.send_after is not None
    send_outbound(held.pk, now=held.send_after)
    closing = smtp_capture.messages()[-1]
    assert subject(closing) == f"[{ticket.number}] Вопрос решён: {ticket.subject}"


def test_agents_clarification_request_is_mailed_with_what_is_missing(
    support_mailbox, smtp_capture, line1_agent
):
    ticket = mail_request(support_mailbox)
    tickets.request_clarification(ticket, actor=factories.as_agent(line1_agent),
                                  body="Пришлите, пожалуйста, снимок экрана с ошибкой.",
                                  missing=["Снимок экрана"])
    mails = smtp_capture.messages()
    assert len(mails) == 2, "one mail for the request: the message is not mailed twice"
    text = mails[-1].get_body(("plain",)).get_content()
    assert "Пришлите, пожалуйста, снимок экрана с ошибкой." in text
    assert "- Снимок экрана" in text and "«Техподдержке требуется уточнение»" in text


def test_request_from_the_web_is_also_confirmed_by_mail(eschool, teacher, smtp_capture):
    ticket = factories.ticket(eschool, teacher)
    [notice] = smtp_capture.messages()
    assert notice["To"] == teacher.email
    assert subject(notice).startswith(f"[{ticket.number}] Обращение зарегистрировано")


def test_template_edited_by_an_administrator_is_used(support_mailbox, smtp_capture, line1_agent):
    template = MailTemplate.objects.get(key=MailTemplate.Key.AGENT_REPLY, language="ru",
                                        service=None)
    template.body_text = "Ответ по обращению {{ number }}:\n{{ message }}\nШкольная техподдержка"
    template.save()
    ticket = mail_request(support_mailbox)
    tickets.add_message(ticket, actor=factories.as_agent(line1_agent), body="Готово.")
    text = plain(smtp_capture.messages()[-1])
    assert text == f"Ответ по обращению {ticket.number}:\nГотово.\nШкольная техподдержка\n"


def test_the_html_part_made_from_the_text_is_sent_but_not_stored_twice(
    support_mailbox, smtp_capture, line1_agent
):
    """Storage (issue 16): a mail's HTML part that is its text's own is made again when the mail
    is sent; only an administrator's HTML template is stored."""
    ticket = mail_request(support_mailbox)
    tickets.add_message(ticket, actor=factories.as_agent(line1_agent),
                        body="Очистите кэш браузера: https://eschool.example/help/cache")
    stored = OutboundMail.objects.latest("id")
    assert stored.body_html == "" and "Очистите кэш браузера" in stored.body_text
    html = smtp_capture.messages()[-1].get_body(("html",)).get_content()
    assert '<a href="https://eschool.example/help/cache"' in html and "<p>" in html

    MailTemplate.objects.filter(key=MailTemplate.Key.AGENT_REPLY, language="ru", service=None).update(
        body_html="<h1>{{ number }}</h1><div>{{ message }}</div>")
    tickets.add_message(ticket, actor=factories.as_agent(line1_agent), body="Готово.")
    stored = OutboundMail.objects.latest("id")
    assert stored.body_html == f"<h1>{ticket.number}</h1><div>Готово.</div>"
    assert smtp_capture.messages()[-1].get_body(("html",)).get_content().strip() == stored.body_html


def test_english_speaking_contact_gets_the_english_template(eschool, smtp_capture):
    MailTemplate.objects.filter(key=MailTemplate.Key.REGISTERED, language="en").update(
        subject="Request registered: {{ subject }}",
        body_text="Your request is registered as {{ number }}.")
    contact = factories.contact(eschool, full_name="John Smith", email="j.smith@school.example",
                                language="en")
    ticket = factories.ticket(eschool, contact, subject="Journal does not open")
    [notice] = smtp_capture.messages()
    assert subject(notice) == f"[{ticket.number}] Request registered: Journal does not open"
    assert plain(notice) == (
        f"Your request is registered as {ticket.number}.\n")


def test_default_templates_exist_in_russian_and_english_for_every_notification():
    keys = {(t.key, t.language) for t in MailTemplate.objects.filter(service=None)}
    assert keys == {(key, language) for key in MailTemplate.Key.values for language in ("ru", "en")}


def test_undeliverable_mail_is_retried_with_growing_delays_then_marked_failed_on_the_ticket(
    support_mailbox, settings
):
    servers = load_mail_test_module("servers")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", servers.free_port()  # nobody listens
    settings.EDUDESK_MAIL_SEND_ATTEMPTS = 3
    ticket = mail_request(support_mailbox)
    outbound = OutboundMail.objects.get()
    assert (outbound.state, outbound.attempts) == (OutboundMail.State.QUEUED, 1)
    assert "ConnectionRefusedError" in outbound.last_error

    assert send_outbound(outbound.pk) == OutboundMail.State.QUEUED
    assert send_outbound(outbound.pk) == OutboundMail.State.FAILED
    [failure] = Event.objects.filter(ticket=ticket, kind="mail_failed")
    assert failure.data["to"] == TEACHER_ADDRESS
    assert [retry_delay(n) for n in (1, 2, 3, 10)] == [30, 60, 120, 3600]

    with load_mail_test_module("servers").SmtpCapture() as capture:
        settings.EMAIL_PORT = capture.port
        from edudesk.mail.outbound import resend

        resend(outbound)
        assert OutboundMail.objects.get().state == OutboundMail.State.SENT
        assert len(capture.received) == 1


def test_sent_mail_is_not_sent_again_by_a_repeated_job(support_mailbox, smtp_capture):
    mail_request(support_mailbox)
    outbound = OutboundMail.objects.get()
    assert send_outbound(outbound.pk) == OutboundMail.State.SENT
    assert len(smtp_capture.received) == 1


def test_everyone_who_writes_in_the_ticket_receives_the_agents_answer(
    support_mailbox, smtp_capture, line1_agent
):
    from edudesk.mail.ingest import accept_held
    from edudesk.mail.models import InboundMail
    from edudesk.mail.tests.conftest import compose_reply

    ticket = mail_request(support_mailbox)
    colleague = compose_reply(smtp_capture.messages()[-1], "У меня та же ошибка.",
                              sender="e.kuznetsova@school5-tver.example",
                              sender_name="Кузнецова Елена Петровна")
    held = ingest(colleague, service=support_mailbox.service, source="test", mailbox=support_mailbox)
    accept_held(InboundMail.objects.get(pk=held.inbound_id))
    tickets.add_message(ticket, actor=factories.as_agent(line1_agent), body="Исправлено.")

    answers = [m for m in smtp_capture.messages() if "Исправлено." in plain(m)]
    assert sorted(str(m["To"]) for m in answers) == [
        TEACHER_ADDRESS, "e.kuznetsova@school5-tver.example"]


def test_mail_whose_sending_job_was_lost_is_sent_by_the_sweep(eschool, teacher, smtp_capture,
                                                              monkeypatch):
    """The consumer died after composing the acknowledgment and before queueing its delivery."""
    from edudesk.mail import outbound as outbound_module

    monkeypatch.setattr(outbound_module, "_enqueue_send", lambda *args, **kwargs: None)
    factories.ticket(eschool, teacher)
    mail = OutboundMail.objects.get()
    monkeypatch.undo()
    assert requeue_stalled(timezone.now()) == 0, "a fresh mail is left to its own job"

    assert requeue_stalled(timezone.now() + timedelta(minutes=2)) == 1
    assert OutboundMail.objects.get(pk=mail.pk).state == OutboundMail.State.SENT
    assert len(smtp_capture.received) == 1
    assert requeue_stalled(timezone.now() + timedelta(minutes=2)) == 0


def test_mail_held_by_a_killed_sender_is_sent_once_its_lease_ends(eschool, teacher, smtp_capture,
                                                                  monkeypatch):
    from edudesk.mail import outbound as outbound_module

    monkeypatch.setattr(outbound_module, "_enqueue_send", lambda *args, **kwargs: None)
    factories.ticket(eschool, teacher)
    mail = OutboundMail.objects.get()
    assert outbound_module._claim(mail.pk, timezone.now()) is not None  # then the consumer died
    monkeypatch.undo()
    assert requeue_stalled(timezone.now() + timedelta(minutes=2)) == 0, "the lease still holds"

    # Seven minutes later: the five-minute lease ended two minutes ago.
    OutboundMail.objects.filter(pk=mail.pk).update(sending_until=timezone.now() - timedelta(minutes=2))
    assert requeue_stalled(timezone.now()) == 1
    assert OutboundMail.objects.get(pk=mail.pk).state == OutboundMail.State.SENT
    assert len(smtp_capture.received) == 1


def test_a_failed_mail_is_left_to_its_scheduled_retry_by_the_sweep(eschool, teacher, settings):
    servers = load_mail_test_module("servers")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", servers.free_port()  # nobody listens
    settings.EDUDESK_MAIL_RETRY_SECONDS = 600
    factories.ticket(eschool, teacher)
    assert OutboundMail.objects.get().attempts == 1

    assert requeue_stalled(timezone.now() + timedelta(minutes=2)) == 0
    assert requeue_stalled(timezone.now() + timedelta(minutes=12)) == 1
    assert OutboundMail.objects.get().attempts == 2


def test_the_hourly_cap_on_automatic_replies_reads_its_index_not_every_mail(eschool, teacher):
    """Each acknowledgment counts the recipient's automatic mails of the last hour: through the
    index on lower(to_address), so the count stays flat however many mails were ever sent."""
    from django.db import connection, transaction

    from edudesk.mail.outbound import automatic_replies_in_last_hour

    factories.ticket(eschool, teacher)
    assert automatic_replies_in_last_hour(teacher.email.upper(), timezone.now()) == 1, "any case"
    query = OutboundMail.objects.alias(address=Lower("to_address")).filter(
        address="x@school.example", automatic=True, created_at__gte=timezone.now())
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # an almost empty table here
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "outbound_auto_rate" in plan, plan


class _PeekingSmtp(locmem.EmailBackend):
    """Notes, as each mail goes out, which mails are leased to a sender."""

    leased: list[list[int]] = []

    def send_messages(self, messages):
        _PeekingSmtp.leased.append(list(OutboundMail.objects.filter(sending_until__isnull=False)
                                        .order_by("id").values_list("id", flat=True)))
        return super().send_messages(messages)


def test_mails_sent_together_are_each_leased_only_when_their_turn_comes(eschool, teacher, settings,
                                                                      monkeypatch):
    """A slow SMTP server must not let the lease of a mail still waiting in the batch run out
    (another sender would then send it too)."""
    from edudesk.mail import outbound

    monkeypatch.setattr(outbound, "_enqueue_send", lambda *args, **kwargs: None)
    factories.ticket(eschool, teacher)
    factories.ticket(eschool, teacher, subject="Не открывается журнал")
    first, second = OutboundMail.objects.order_by("id").values_list("id", flat=True)
    settings.EMAIL_BACKEND = f"{__name__}._PeekingSmtp"
    _PeekingSmtp.leased = []

    assert outbound.send_outbound_many([first, second]) == [OutboundMail.State.SENT] * 2

    assert _PeekingSmtp.leased == [[first], [second]]
    assert list(OutboundMail.objects.values_list("attempts", "sending_until")) == [(1, None), (1, None)]
