"""The customer's mail about a closing waits for the undo window: sent with the reason, or
withdrawn when the closing is undone (never a «cancelled» mail followed by a correction)."""

from datetime import timedelta

import pytest

from edudesk.mail.models import MailTemplate, OutboundMail
from edudesk.mail.outbound import send_outbound
from edudesk.tickets import policy, services
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db(transaction=True)


def closing_mail(ticket) -> OutboundMail:
    return OutboundMail.objects.get(ticket=ticket, template=MailTemplate.Key.CLOSED)


def test_the_cancelling_mail_waits_for_the_undo_window_and_then_tells_the_reason(
        ticket, line1_agent, smtp_capture):
    services.transition(ticket, Status.CANCELLED, actor=Actor.agent(line1_agent),
                        reason="customer_asked", comment="Позвонила, просила закрыть")
    mail = closing_mail(ticket)
    ticket.refresh_from_db()
    closed_at = policy.closing_event(ticket).created_at
    assert mail.send_after == closed_at + policy.undo_window()
    assert "Причина: По просьбе заявителя. Позвонила, просила закрыть" in mail.body_text
    before = len(smtp_capture.received)
    assert send_outbound(mail.pk, now=closed_at + timedelta(minutes=1)) == OutboundMail.State.QUEUED
    assert len(smtp_capture.received) == before
    assert send_outbound(mail.pk, now=mail.send_after + timedelta(seconds=1)) == OutboundMail.State.SENT
    assert len(smtp_capture.received) == before + 1


def test_an_undone_cancelling_sends_no_mail_at_all(ticket, line1_agent, smtp_capture):
    agent = Actor.agent(line1_agent)
    services.transition(ticket, Status.CANCELLED, actor=agent, reason="not_needed")
    services.undo_close(ticket, actor=agent)
    mail = closing_mail(ticket)
    before = len(smtp_capture.received)
    assert send_outbound(mail.pk, now=mail.send_after + timedelta(seconds=1)) == OutboundMail.State.WITHDRAWN
    assert len(smtp_capture.received) == before
    # and the undo itself tells the customer nothing (there was nothing to take back)
    assert not OutboundMail.objects.filter(ticket=ticket).exclude(pk=mail.pk).exclude(
        template=MailTemplate.Key.REGISTERED).exists()
