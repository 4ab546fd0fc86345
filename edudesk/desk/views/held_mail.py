"""Held mail (a sender outside the ticket wrote in its thread): read it, accept it or refuse it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk.access import agent_required, get_ticket
from edudesk.mail.ingest import accept_held, reject_held
from edudesk.mail.models import InboundMail
from edudesk.mail.parsing import MailParseError, parse_mail
from edudesk.tickets.types import Actor

State = InboundMail.State


def _held(request, number: str, inbound_id: int):
    """The ticket (404 for a service the agent does not serve) and one of its held mails."""
    ticket = get_ticket(request.user, number)
    return ticket, get_object_or_404(InboundMail, pk=inbound_id, ticket=ticket)


@agent_required
def held_text(request, number: str, inbound_id: int):
    """The held mail's readable text, to judge it before accepting."""
    _ticket, inbound = _held(request, number, inbound_id)
    try:
        mail = parse_mail(bytes(inbound.raw))
        text = f"{mail.sender}\n{mail.subject}\n\n{mail.text}"
    except MailParseError:
        text = bytes(inbound.raw).decode("utf-8", errors="replace")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@agent_required
@require_POST
def accept(request, number: str, inbound_id: int):
    ticket, inbound = _held(request, number, inbound_id)
    if inbound.state != State.HELD:
        messages.error(request, _("Решение по этому письму уже принято."))
        return redirect("desk:ticket", number=ticket.number)
    result = accept_held(inbound)
    inbound.refresh_from_db()
    if result.state == State.ADDED:
        messages.success(request, _("Письмо добавлено к обращению, отправитель стал его участником."))
        # A held mail of a merged duplicate lands in the original: show it where it is.
        response = redirect("desk:ticket", number=inbound.ticket.number)
        response["Location"] += f"#m{inbound.ticket_message_id}"
        return response
    messages.error(request, _("Письмо не удалось добавить: %(detail)s") % {"detail": inbound.detail})
    return redirect("desk:ticket", number=ticket.number)


@agent_required
@require_POST
def reject(request, number: str, inbound_id: int):
    ticket, inbound = _held(request, number, inbound_id)
    if inbound.state != State.HELD:
        messages.error(request, _("Решение по этому письму уже принято."))
    else:
        reject_held(inbound, actor=Actor.agent(request.user))
        messages.success(request, _("Письмо отклонено."))
    return redirect("desk:ticket", number=ticket.number)
