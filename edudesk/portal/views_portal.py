"""The customer portal: sign-in by e-mail link, «Мои обращения», a ticket's page and its actions."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from edudesk.accounts.services import normalise_email
from edudesk.intake import pending_uploads
from edudesk.intake.pipeline import submit
from edudesk.intake.submission import RequesterData, Submission
from edudesk.portal import auth
from edudesk.portal.forms import incoming_files
from edudesk.security import lockout, throttle
from edudesk.tickets import message_roles, policy
from edudesk.tickets import services as tickets
from edudesk.tickets.errors import DomainError
from edudesk.tickets.models import Attachment, Channel, Message
from edudesk.tickets.selectors import visible_to_contact
from edudesk.tickets.status import CLOSED_STATUSES, ActorKind, Status, next_statuses, status_label
from edudesk.tickets.types import Actor

PAGE_SIZE = 50


# --- sign-in ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@throttle.signin_links_limited
def signin(request, service: str):
    service_obj = auth.active_service(service)
    if request.method == "POST":
        email = normalise_email(request.POST.get("email", ""))
        if email:
            auth.request_login_link(service_obj, email)
        # The same answer whether or not the address is known: the page reveals no customers.
        return render(request, "portal/signin_sent.html", {"service": service_obj, "email": email})
    return render(request, "portal/signin.html", {"service": service_obj})


@require_http_methods(["GET", "POST"])
def signin_link(request, service: str, token: str):
    """GET shows a button, POST signs in: mail scanners that open links do not burn them."""
    service_obj = auth.active_service(service)
    if not lockout.allowed(request):  # guessing links locks the address like guessing passwords
        return lockout.lockout_response(request)
    if request.method == "POST":
        contact = auth.consume_login_link(service_obj, token)
        if contact is not None:
            auth.sign_in(request, contact)
            return redirect("portal:requests", service=service_obj.code)
        valid = False
    else:
        valid = auth.peek_login_link(service_obj, token)
    if not valid:
        lockout.record_failure(request)
    return render(request, "portal/signin_link.html",
                  {"service": service_obj, "valid": valid}, status=200 if valid else 410)


@require_POST
def signout(request, service: str):
    auth.sign_out(request)
    return redirect("portal:signin", service=service)


# --- my requests --------------------------------------------------------------------------------


@auth.contact_required
def my_requests(request, service, contact):
    """Most recently updated first, a page at a time (keyset on updated_at, id)."""
    rows = (visible_to_contact(contact).select_related("service", "requester")
            .order_by("-updated_at", "-id"))
    cursor = _parse_cursor(request.GET.get("before", ""))
    if cursor is not None:
        updated_at, pk = cursor
        rows = rows.filter(Q(updated_at__lt=updated_at) | Q(updated_at=updated_at, id__lt=pk))
    page = list(rows[: PAGE_SIZE + 1])
    more, page = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
    return render(request, "portal/requests.html", {
        "service": service, "contact": contact, "tickets": page,
        "next_cursor": f"{page[-1].updated_at.isoformat()}~{page[-1].pk}" if more else "",
        "shows_organisation": contact.is_org_admin and service.org_admins_see_org_tickets,
    })


def _parse_cursor(value: str) -> tuple[datetime, int] | None:
    stamp, _sep, pk = value.partition("~")
    try:
        updated_at = datetime.fromisoformat(stamp)
        return (updated_at, int(pk)) if updated_at.tzinfo else None
    except ValueError:
        return None


# --- one ticket ---------------------------------------------------------------------------------

CUSTOMER_ACTIONS = {
    # target status → (action name, button text)
    Status.RESOLVED: ("confirm", gettext_lazy("Подтвердить решение")),
    Status.IN_WORK: ("reopen", gettext_lazy("Проблема не решена — открыть снова")),
    Status.CANCELLED: ("cancel", gettext_lazy("Отменить обращение")),
}


def _ticket_for(contact, number: str):
    ticket = (visible_to_contact(contact).select_related("service", "requester", "organisation")
              .filter(number=number).first())
    if ticket is None:
        raise Http404
    return ticket


def _actions(ticket, contact) -> list[tuple[str, str]]:
    """The buttons this customer may press (tickets.policy: only the requester changes state)."""
    if not policy.may(ticket, Actor.customer(contact), policy.Action.CHANGE_STATUS):
        return []
    targets = set(next_statuses(ticket.status, ActorKind.CUSTOMER))
    return [(name, str(text)) for target, (name, text) in CUSTOMER_ACTIONS.items()
            if target in targets]


def _chosen_target(ticket, contact, chosen: str):
    """The status an offered action leads to: 404 for no such action or one not offered now,
    403 for one who may read the ticket but not change it (an organisation's administrator)."""
    target = next((t for t, (name, _text) in CUSTOMER_ACTIONS.items() if name == chosen), None)
    if target is None:
        raise Http404
    if not policy.may(ticket, Actor.customer(contact), policy.Action.CHANGE_STATUS):
        raise PermissionDenied
    if chosen not in dict(_actions(ticket, contact)):
        raise Http404
    return target


@auth.contact_required
def ticket_page(request, service, contact, number: str):
    ticket = _ticket_for(contact, number)
    conversation = list(ticket.messages.exclude(kind=Message.Kind.INTERNAL)
                        .select_related("author_user", "author_contact")
                        .prefetch_related("attachments"))
    message_roles.label(conversation, ticket)
    clarification = None
    if ticket.status == Status.NEEDS_CLARIFICATION:
        clarification = (ticket.messages.filter(kind=Message.Kind.PUBLIC, author_user__isnull=False)
                         .order_by("-created_at", "-id").first())
    target = policy.reply_target(ticket)
    closing = policy.closing_event(ticket)
    return render(request, "portal/ticket.html", {
        "service": service, "contact": contact, "ticket": ticket, "conversation": conversation,
        "clarification": clarification, "actions": _actions(ticket, contact),
        "closing_actions": [name for target, (name, _t) in CUSTOMER_ACTIONS.items()
                            if target in CLOSED_STATUSES],
        "close_reason": policy.close_reason_text(closing.data) if closing else "",
        "undo": policy.undoable_close(ticket, Actor.customer(contact), timezone.now(), closing),
        "status_meaning": ticket.status_meaning(),
        "can_reply": policy.may(target, Actor.customer(contact), policy.Action.REPLY),
        "reply_opens_new": (policy.customer_reply_route(target, timezone.now())
                            == policy.ReplyRoute.NEW_LINKED),
        "merged_into": target if target.pk != ticket.pk else None,
        "errors": request.session.pop("portal_reply_errors", []),
        **_reply_draft(request, service),
    })


def _reply_draft(request, service) -> dict:
    """The text and kept screenshots of a refused reply, shown again in the reply form."""
    draft = request.session.pop("portal_reply_draft", None) or {}
    token = pending_uploads.token_from(draft.get("token"))
    return {"reply_body": draft.get("body", ""), "upload_token": token,
            "pending_uploads": pending_uploads.held(service, token) if draft else []}


@require_POST
@auth.contact_required
def reply(request, service, contact, number: str):
    """A message to the ticket. Refused, the text comes back and the screenshots the policy
    accepted stay attached (``intake.pending_uploads``): nothing has to be typed or picked again."""
    ticket = _ticket_for(contact, number)
    token = pending_uploads.token_from(request.POST.get("upload_token"))
    body = request.POST.get("body", "")
    if request.POST.get("remove_upload"):
        pending_uploads.remove(service, token, request.POST["remove_upload"])
        return _back_to_reply(request, service, number, body, token, errors=[])
    files = pending_uploads.as_incoming(service, token) + incoming_files(request)
    outcome = submit(Submission(
        service=service, channel=Channel.WEB, requester=RequesterData(), ticket=ticket,
        description=body, actor=Actor.customer(contact), files=files,
        meta={"user_agent": request.headers.get("User-Agent", "")[:500]},
    ))
    if not outcome.ok:
        pending_uploads.keep_accepted(service, token, files)
        return _back_to_reply(request, service, number, body, token,
                              errors=[m for ms in outcome.errors.values() for m in ms])
    pending_uploads.forget(service, token)
    if outcome.continues:
        messages.success(request, _("Обращение %(old)s закрыто, поэтому ваше сообщение "
                                    "зарегистрировано как новое обращение %(new)s.")
                         % {"old": outcome.continues, "new": outcome.ticket.number})
    elif ticket.status == Status.NEEDS_CLARIFICATION:
        messages.success(request, _("Уточнение отправлено в техподдержку."))
    else:
        messages.success(request, _("Сообщение добавлено в обращение."))
    return redirect("portal:ticket", service=service.code, number=outcome.ticket.number)


def _back_to_reply(request, service, number: str, body: str, token: str, errors: list[str]):
    request.session["portal_reply_errors"] = errors
    request.session["portal_reply_draft"] = {"body": body[:settings.EDUDESK_MAX_TEXT_CHARS],
                                             "token": token}
    return redirect(reverse("portal:ticket", kwargs={"service": service.code, "number": number})
                    + "#reply")


@require_POST
@auth.contact_required
def act(request, service, contact, number: str):
    ticket = _ticket_for(contact, number)
    chosen = request.POST.get("action", "")
    target = _chosen_target(ticket, contact, chosen)
    if target in CLOSED_STATUSES and not request.POST.get("reason"):
        # Cancelling or confirming asks first (close_page): why, and that it can be undone.
        return redirect(reverse("portal:close", kwargs={"service": service.code, "number": number})
                        + f"?action={chosen}")
    try:
        tickets.transition(ticket, target, actor=Actor.customer(contact),
                           reason=request.POST.get("reason", ""),
                           comment=request.POST.get("comment", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Статус обращения: «%(status)s».")
                         % {"status": status_label(target)})
    return redirect("portal:ticket", service=service.code, number=number)


@auth.contact_required
def close_page(request, service, contact, number: str):
    """«Отменить обращение» / «Подтвердить решение»: the reason, and how long it can be undone."""
    ticket = _ticket_for(contact, number)
    chosen = request.GET.get("action", "")
    target = _chosen_target(ticket, contact, chosen)
    if target not in CLOSED_STATUSES:
        raise Http404
    return render(request, "portal/close.html", {
        "service": service, "contact": contact, "ticket": ticket, "action": chosen,
        "title": CUSTOMER_ACTIONS[target][1],
        "reasons": policy.close_reasons(target, Actor.customer(contact)),
        "undo_minutes": int(policy.undo_window().total_seconds() // 60),
        "comment_limit": policy.MAX_COMMENT,
    })


@require_POST
@auth.contact_required
def undo(request, service, contact, number: str):
    ticket = _ticket_for(contact, number)
    try:
        tickets.undo_close(ticket, actor=Actor.customer(contact))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        ticket.refresh_from_db(fields=["status"])
        messages.success(request, _("Готово: обращение снова «%(status)s».")
                         % {"status": ticket.status_label()})
    return redirect("portal:ticket", service=service.code, number=number)


@auth.contact_required
def picture(request, service, contact, number: str, ordinal: int):
    ticket = _ticket_for(contact, number)
    attachment = (Attachment.objects.filter(ticket=ticket, ordinal=ordinal)
                  .exclude(message__kind=Message.Kind.INTERNAL).first())
    if attachment is None:
        raise Http404
    extension = ".png" if attachment.content_type == "image/png" else ".jpeg"
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            filename=f"{attachment.display_name}{extension}")
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["Cache-Control"] = "private, max-age=3600"
    return response
