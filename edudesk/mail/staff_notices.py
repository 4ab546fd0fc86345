"""Mail to the staff: the line's supervisor hears of SLA warnings and breaches by mail too.

Subscribed (after commit) to the escalation sweep's ``sla_warning`` / ``sla_breached``
events only. The sweep writes each event once per clock and threshold, in the transaction
that creates the in-app notices; the mail goes to the people those notices went to. A job
that runs again composes nothing new: the outbound ledger holds one mail per event and
address (``outbound.queue_mail``).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from edudesk.mail.models import MailTemplate, OutboundMail
from edudesk.mail.outbound import Recipient, queue_mail
from edudesk.sla.escalation import notice_text
from edudesk.sla.models import Notification
from edudesk.tickets.events import EventKind
from edudesk.tickets.models import Event, Ticket

Key = MailTemplate.Key
SLA_KINDS = frozenset({EventKind.SLA_WARNING, EventKind.SLA_BREACHED})
# event kind → (the in-app notice's kind, the mail template)
_NOTICES = {
    EventKind.SLA_WARNING: (Notification.Kind.SLA_WARNING, Key.SLA_WARNING),
    EventKind.SLA_BREACHED: (Notification.Kind.SLA_BREACH, Key.SLA_BREACHED),
}


def desk_url(ticket: Ticket) -> str:
    try:
        return settings.SITE_URL + reverse("desk:ticket", args=[ticket.number])
    except NoReverseMatch:  # a deployment without the agent workspace
        return settings.SITE_URL


def notify_supervisor(event: Event) -> list[OutboundMail]:
    """Mail the in-app SLA notices this event came with to their recipients."""
    notice_kind, template = _NOTICES[event.kind]
    notices = (
        Notification.objects.filter(
            ticket_id=event.ticket_id, kind=notice_kind,
            clock__kind=(event.data or {}).get("clock"), created_at=event.created_at,
        )
        .select_related("recipient", "clock__ticket__service", "ticket__group", "ticket__assignee")
        .order_by("id")
    )
    composed = []
    for notice in notices:
        ticket = notice.ticket

        def context(notice=notice, ticket=ticket) -> dict:
            return {
                "notice": notice_text(notice.clock, notice_kind),
                "group": ticket.group.name if ticket.group_id else "—",
                "assignee": str(ticket.assignee) if ticket.assignee_id else "—",
                "desk_url": desk_url(ticket),
            }

        mail = queue_mail(ticket=ticket, recipient=Recipient.staff_member(notice.recipient),
                          template=template, event=event, automatic=True, context=context)
        if mail is not None:
            composed.append(mail)
    return composed


def send_report_summary(user, service, context, attachment: tuple[str, bytes, str],
                        now=None) -> OutboundMail | None:
    """A supervisor's scheduled summary (reports/summaries.py decides when and what), with
    the report attached; `context` may be a callable evaluated in the recipient's language."""
    return queue_mail(ticket=None, service=service, recipient=Recipient.staff_member(user),
                      template=Key.REPORT_SUMMARY, event=None, automatic=True, now=now,
                      context=context, attachments=[attachment])


def send_low_rating(user, ticket: Ticket, context) -> OutboundMail | None:
    """A supervisor of the service hears of a low rating (reports/satisfaction.py decides
    when); `context` may be a callable evaluated in the recipient's language."""
    return queue_mail(ticket=ticket, recipient=Recipient.staff_member(user), template=Key.LOW_RATING,
                      event=None, automatic=True, context=context)
