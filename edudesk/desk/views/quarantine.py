"""Mail in quarantine (no usable sender, encrypted, unreadable…): read it, run it again, or make
a ticket of it for an address the agent names. Only mail of the services the agent serves."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk.access import agent_required
from edudesk.desk.keyset import Keyset
from edudesk.mail.forms import SenderAddressForm
from edudesk.mail.ingest import TemporaryFailure, rerun
from edudesk.mail.models import InboundMail
from edudesk.mail.parsing import MailParseError, parse_mail

PAGE_SIZE = 50
_KEYSET = Keyset("id", descending=True)
State = InboundMail.State


def _quarantined(user):
    return InboundMail.objects.filter(state=State.QUARANTINED,
                                      service_id__in=user.served_service_ids())


def _one(user, inbound_id: int) -> InboundMail:
    row = _quarantined(user).filter(pk=inbound_id).first()
    if row is None:
        raise Http404
    return row


@agent_required
def quarantine_list(request):
    rows = _quarantined(request.user).select_related("service", "mailbox").defer("raw")
    page, next_cursor = _KEYSET.page(rows, _KEYSET.decode(request.GET.get("after", "")), PAGE_SIZE)
    return render(request, "desk/quarantine.html", {
        "mails": page, "next_cursor": next_cursor, "form": SenderAddressForm(),
    })


@agent_required
def quarantine_text(request, inbound_id: int):
    """What can be read of the mail, as plain text (never rendered as HTML)."""
    row = _one(request.user, inbound_id)
    try:
        mail = parse_mail(bytes(row.raw))
        text = f"{mail.sender}\n{mail.subject}\n\n{mail.text}"
    except MailParseError:
        text = bytes(row.raw).decode("utf-8", errors="replace")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _done(request, row: InboundMail, action) -> None:
    try:
        result = action()
    except TemporaryFailure:
        messages.error(request, _("База данных недоступна, повторите позже."))
        return
    row.refresh_from_db()
    if result.ticket_id and row.state != State.QUARANTINED:
        messages.success(request, _("Письмо обработано: %(state)s.") % {
            "state": row.get_state_display()})
    else:
        messages.error(request, _("Письмо осталось в карантине: %(detail)s") % {
            "detail": row.detail})


@agent_required
@require_POST
def quarantine_ticket(request, inbound_id: int):
    row = _one(request.user, inbound_id)
    form = SenderAddressForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["address"]))
        return redirect("desk:quarantine")
    _done(request, row, lambda: rerun(row, sender=form.cleaned_data["address"]))
    row.refresh_from_db()
    if row.ticket_id:
        return redirect("desk:ticket", number=row.ticket.number)
    return redirect("desk:quarantine")


@agent_required
@require_POST
def quarantine_rerun(request, inbound_id: int):
    row = _one(request.user, inbound_id)
    _done(request, row, lambda: rerun(row))
    return redirect("desk:quarantine")
