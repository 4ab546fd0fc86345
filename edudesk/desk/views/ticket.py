"""The ticket page: header with status buttons, requester card, conversation and composer."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk import (
    canned,
    card,
    clarification,
    conversation,
    directory,
    findings,
    fragments,
    presence,
    staleness,
    thumbnails,
)
from edudesk.desk.access import agent_required, get_ticket
from edudesk.desk.forms import (
    AssignForm,
    CategoryForm,
    ComposerForm,
    PriorityForm,
)
from edudesk.desk.views.actions import refused
from edudesk.intake import pending_uploads
from edudesk.intake.pipeline import submit
from edudesk.intake.submission import IncomingFile, RequesterData, Submission
from edudesk.mail.models import InboundMail
from edudesk.sla.notices import format_working_time, sla_summary
from edudesk.tickets import policy, services
from edudesk.tickets.errors import DomainError, StaleTicket
from edudesk.tickets.models import Channel, TicketLink
from edudesk.tickets.status import (
    CLOSED_STATUSES,
    NEEDS_MESSAGE_STATUSES,
    NOT_AFTER_REPLY_STATUSES,
    ActorKind,
    Status,
    next_statuses,
    status_label,
)
from edudesk.tickets.types import Actor
from edudesk.tickets.versions import current_version as latest_event_id


def status_buttons(ticket) -> list[dict]:
    """The allowed next statuses for an agent, by their one name; a
    closing move first asks for its reason (``close_view``)."""
    return [
        {"code": str(s), "label": status_label(s),
         "via_composer": s in NEEDS_MESSAGE_STATUSES, "via_confirm": s in CLOSED_STATUSES}
        for s in next_statuses(ticket.status, ActorKind.AGENT)
    ]


def reply_statuses(ticket) -> list[tuple[str, str]]:
    """Where a reply may move the ticket (an agent's reply first marks a new ticket reviewed)."""
    current = Status.IN_PROCESSING if ticket.status == Status.REGISTERED else ticket.status
    return [(str(s), status_label(s))
            for s in next_statuses(current, ActorKind.AGENT) if s not in NOT_AFTER_REPLY_STATUSES]


def composer_form(ticket, data=None, attachment_count=0, **initial) -> ComposerForm:
    items = clarification.checklist(ticket, attachment_count)
    statuses = reply_statuses(ticket)
    default_status = Status.ANSWERED if any(code == Status.ANSWERED for code, _l in statuses) else ""
    initial = {"missing": [i.key for i in items if i.missing], "then_status": default_status,
               **initial}
    if "seen_event" not in initial:
        initial["seen_event"] = latest_event_id(ticket)
    return ComposerForm(data, initial=initial, checklist=items, reply_statuses=statuses)


def ticket_context(request, ticket, composer=None, conflict=None, errors=(), upload_token="") -> dict:
    """The page's context. A page as first shown (no draft given back) takes its composer from
    the cache (``_composer``); a draft that comes back is rendered in full with the form."""
    now = timezone.now()
    state = conversation.state_of(ticket)
    talk = conversation.conversation(request, ticket, state, remote_images_asked(request))
    sla = sla_summary(ticket, now)
    remaining = sla["remaining_minutes"]
    version = state.version
    closing = policy.closing_event(ticket)  # no query for an open ticket
    links = _linked_tickets(ticket)
    header = {
        "ticket": ticket,
        "status_label": ticket.status_label(),
        "status_buttons": status_buttons(ticket),
        "category_label": dict(card.category_choices(ticket)).get(ticket.category, ticket.category),
        "remaining_text": format_working_time(timedelta(minutes=remaining))
        if remaining is not None else "",
        "undo": policy.undoable_close(ticket, Actor.agent(request.user), now, closing),
        "close_reason": policy.close_reason_text(closing.data) if closing else "",
        "rating": _rating(ticket),
    }
    context = {
        **header,
        "header_html": _header(request, header, version),
        "sla": sla,
        "conversation_html": talk.html,
        **findings.findings(ticket, talk.created),
        "links": links,
        "requester_card_html": _requester_card(request, ticket, links, version),
        "actions_html": _actions_card(request, ticket, version),
        "others": presence.others(ticket, request.user, now),
        "heartbeat": presence.HEARTBEAT_SECONDS,
        "seen_version": version,
        "errors": list(errors),
    }
    if composer is None and not upload_token:
        context["composer_html"] = _composer(request, ticket, talk.attachment_count, version)
    else:
        context.update({
            "composer": composer or composer_form(ticket, attachment_count=talk.attachment_count,
                                                  seen_event=version),
            "canned_responses": directory.canned_titles(ticket),
            "conflict": conflict or [],
            # The composer's screenshots kept from a refused send (intake.pending_uploads).
            "upload_token": upload_token or pending_uploads.token_from(""),
            "pending_uploads": pending_uploads.held(ticket.service, upload_token) if upload_token else [],
        })
    return context


def _rating(ticket):
    """The requester's rating of the ticket, if they gave one."""
    try:
        return ticket.rating
    except ObjectDoesNotExist:
        return None


def _header(request, header: dict, version: int):
    """The ticket's header (title, status and its buttons, facts), cached for every value it
    shows; the working time left is one of them, so it is rebuilt as that time runs."""
    ticket, undo, rating = header["ticket"], header["undo"], header["rating"]
    parts = (
        ticket.pk, ticket.number, ticket.subject, ticket.service.name, ticket.channel,
        ticket.created_at, ticket.status, header["status_label"], header["close_reason"],
        undo and (undo.pk, undo.created_at), rating and (rating.score, rating.comment),
        tuple(tuple(button.items()) for button in header["status_buttons"]),
        ticket.priority, header["category_label"], ticket.review_due_at, ticket.due_at,
        header["remaining_text"], ticket.sla_flag, ticket.assignee_id and str(ticket.assignee),
        ticket.group_id and ticket.group.name, ticket.merged_into_id and ticket.merged_into.number,
    )
    return fragments.rendered(request, "desk/partials/ticket_header.html", parts, lambda: header, version)


# Where the composer's upload token goes in its cached HTML (a new token on every page).
UPLOAD_MARK = "__desk_fragment_upload__"
# Where the ticket's number goes in a fragment shared by tickets (it shows in addresses only).
NUMBER_MARK = "__desk_fragment_number__"
NUMBER_STAND_IN = {"number": NUMBER_MARK}
COMPOSE_MODES = frozenset(code for code, _label in ComposerForm.MODES)


def _composer(request, ticket, attachment_count: int, version: int):
    """The composer without a draft, cached for what it shows: the mode asked for, the
    checklist (labels and what is missing), where a reply may move the ticket and the canned
    responses; one entry serves every ticket that shows the same (the number is a mark). The
    screenshots' token is new on every page (``intake.pending_uploads``)."""
    asked = request.GET.get("compose", "reply")
    mode = asked if asked in COMPOSE_MODES else None  # any other value ticks no mode
    items = clarification.checklist(ticket, attachment_count)
    statuses = reply_statuses(ticket)
    canned_responses = directory.canned_titles(ticket)
    parts = (mode, tuple(items), tuple(statuses), tuple(canned_responses))
    return fragments.rendered(request, "desk/partials/composer.html", parts, lambda: {
        "ticket": NUMBER_STAND_IN, "conflict": [], "pending_uploads": [], "upload_token": UPLOAD_MARK,
        "canned_responses": canned_responses,
        "composer": composer_form(ticket, attachment_count=attachment_count, mode=mode,
                                  seen_event=fragments.VERSION_MARK),
    }, version, marks=((UPLOAD_MARK, pending_uploads.token_from("")), (NUMBER_MARK, ticket.number)))


def _requester_card(request, ticket, links: list, version: int):
    """The requester card, cached for every value it shows: the requester, their organisation,
    the intake fields, their other tickets (number, subject, status) and the linked ones."""
    person, organisation = ticket.requester, ticket.organisation
    fields, others = card.field_rows(ticket), card.other_tickets(ticket)
    parts = (
        ticket.pk, person.pk, person.full_name, person.role, person.email, person.phone, person.login,
        organisation and (organisation.pk, str(organisation), organisation.region, organisation.lms_url),
        tuple((row.label, row.value) for row in fields),
        tuple((other.number, other.subject, other.status_label()) for other in others),
        tuple((other.number, other.subject) for other in links),
        ticket.consultation.topic if ticket.consultation_id else None,
    )
    return fragments.rendered(request, "desk/partials/requester_card.html", parts, lambda: {
        "ticket": ticket, "field_rows": fields, "other_tickets": others, "links": links,
    }, version)


def _actions_card(request, ticket, version: int):
    """The «Действия» card, cached for the values its forms show (``desk.fragments``): one
    entry serves every ticket with the same choices (the number is a mark)."""
    categories = card.category_choices(ticket)
    parts = (ticket.service_id, ticket.assignee_id, ticket.group_id, ticket.priority,
             ticket.category, tuple(categories))
    return fragments.rendered(request, "desk/partials/ticket_actions.html", parts, lambda: {
        "ticket": NUMBER_STAND_IN,
        "assign_form": _assign_form(ticket),
        "priority_form": PriorityForm(initial={"priority": ticket.priority}),
        "category_form": CategoryForm(initial={"category": ticket.category}, categories=categories),
    }, version, marks=((NUMBER_MARK, ticket.number),))


def _assign_form(ticket) -> AssignForm:
    form = AssignForm(ticket=ticket, initial={"assignee": ticket.assignee_id, "group": ticket.group_id})
    form.fetch_choices(ticket.service_id)
    return form


def _linked_tickets(ticket) -> list:
    """Tickets linked either way (one query)."""
    links = (TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket)).select_related("source", "target")
             .only("source_id", "target_id", *(f"{side}__{name}" for side in ("source", "target")
                                                for name in ("number", "subject"))))
    return sorted((link.target if link.source_id == ticket.pk else link.source for link in links),
                  key=lambda t: t.pk)


def remote_images_asked(request) -> int | None:
    """The message whose remote images the agent asked to load («Показать изображения»)."""
    value = request.GET.get("images", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@agent_required
def ticket_view(request, number: str):
    ticket = get_ticket(request.user, number)
    presence.mark(ticket, request.user, "viewing")
    response = render(request, "desk/ticket.html", ticket_context(request, ticket))
    if remote_images_asked(request) is not None:
        # Only that message kept its remote sources; the policy lets the browser fetch them.
        response._csp_update = {"img-src": ["https:", "http:"]}
    return response


@agent_required
@require_POST
def compose(request, number: str):
    """Send a reply, a note or a clarification request; on any trouble the text comes back and
    the screenshots the policy accepted stay attached (``intake.pending_uploads``, under the
    composer's token), shown with «Убрать» and checked again when the draft is sent.

    The desk is one channel of the intake pipeline: what it sends is a follow-up submission,
    judged and stored as the API's agent messages are (``intake.pipeline``).
    """
    ticket = get_ticket(request.user, number)
    attachment_count = ticket.attachments.count()
    token = pending_uploads.token_from(request.POST.get("upload_token"))
    if request.POST.get("remove_upload"):
        pending_uploads.remove(ticket.service, token, request.POST["remove_upload"])
    # The screenshots kept from a refused send first (checked again), then the new ones.
    files = pending_uploads.as_incoming(ticket.service, token) + _uploaded(request)
    if request.POST.get("remove_upload"):  # the rest of the draft stays as it was
        return _refused_send(request, ticket, _draft_form(ticket, request.POST, attachment_count),
                             files, token, status=200)
    form = composer_form(ticket, request.POST, attachment_count)
    if not form.is_valid():
        return _refused_send(request, ticket, form, files, token, status=422)
    data = form.cleaned_data
    try:
        outcome = submit(_submission(ticket, data, request, attachment_count, files))
    except StaleTicket as error:
        # The draft comes back over the changes, acknowledging them: sent again, it goes.
        return _refused_send(request, ticket, _resend_form(ticket, request.POST, attachment_count),
                             files, token, status=409,
                             conflict=staleness.changes_since(ticket, error.details["seen"]))
    except DomainError as error:
        return _refused_send(request, ticket, _resend_form(ticket, request.POST, attachment_count),
                             files, token, status=409, errors=[error.message])
    if not outcome.ok:
        return _refused_send(request, ticket, form, files, token, status=422,
                             errors=[message for messages in outcome.errors.values() for message in messages])
    pending_uploads.forget(ticket.service, token)
    presence.mark(ticket, request.user, "viewing")
    messages.success(request, {
        "reply": _("Ответ отправлен."), "note": _("Заметка сохранена."),
        "clarify": _("Запрос уточнения отправлен."),
    }[data["mode"]])
    return redirect("desk:ticket", number=ticket.number)


def _uploaded(request) -> list[IncomingFile]:
    return [IncomingFile(f.name, f.read(), getattr(f, "content_type", "") or "")
            for f in request.FILES.getlist("files")]


def _submission(ticket, data: dict, request, attachment_count: int,
                files: list[IncomingFile]) -> Submission:
    """The composer's reply, note or clarification request as the pipeline's follow-up."""
    body = (data.get("body") or "").strip()
    mode = data["mode"]
    then_status, asked = (data.get("then_status") or "") if mode == "reply" else "", []
    if mode == "clarify":
        chosen = set(data.get("missing") or [])
        items = [i for i in clarification.checklist(ticket, attachment_count) if i.key in chosen]
        body = clarification.clarification_text(body, items)
        then_status, asked = Status.NEEDS_CLARIFICATION, [i.label for i in items]
    return Submission(service=ticket.service, channel=Channel.DESK, requester=RequesterData(),
                      description=body, files=files, ticket=ticket,
                      actor=Actor.agent(request.user), internal=mode == "note",
                      then_status=then_status, asked=asked,
                      seen_version=data.get("seen_event") or 0)


def _refused_send(request, ticket, form, files, token: str, status: int, **shown):
    """The draft again, its accepted screenshots kept under the composer's token."""
    pending_uploads.keep_accepted(ticket.service, token, files)
    return _again(request, ticket, form, status=status, token=token, **shown)


def _draft_form(ticket, post, attachment_count: int) -> ComposerForm:
    """The draft as typed, not judged yet (a screenshot was only removed from it)."""
    return composer_form(ticket, None, attachment_count, mode=post.get("mode") or "reply",
                         body=post.get("body", ""), missing=post.getlist("missing"),
                         then_status=post.get("then_status", ""),
                         seen_event=post.get("seen_event") or 0)


def _resend_form(ticket, post, attachment_count: int) -> ComposerForm:
    """The same draft, now acknowledging the ticket's changes up to its current version."""
    data = post.copy()
    data["seen_event"] = str(latest_event_id(ticket))
    form = composer_form(ticket, data, attachment_count)
    form.is_valid()
    return form


def _again(request, ticket, form, conflict=None, errors=(), status=200, token=""):
    ticket.refresh_from_db()
    context = ticket_context(request, ticket, composer=form, conflict=conflict, errors=errors,
                             upload_token=token)
    return render(request, "desk/ticket.html", context, status=status)


@agent_required
@require_POST
def change_status(request, number: str):
    ticket = get_ticket(request.user, number)
    target = request.POST.get("status", "")
    if target not in Status.values:
        raise Http404
    if target in CLOSED_STATUSES and not request.POST.get("reason"):
        return redirect(reverse("desk:close", args=[ticket.number]) + f"?status={target}")
    try:
        services.transition(ticket, target, actor=Actor.agent(request.user),
                            seen_version=staleness.seen_version(request),
                            reason=request.POST.get("reason", ""),
                            comment=request.POST.get("comment", ""))
    except DomainError as error:
        return refused(request, ticket, error)
    else:
        ticket.refresh_from_db(fields=["status"])
        messages.success(request, _("Статус: «%(label)s».") % {"label": ticket.status_label()})
    return redirect("desk:ticket", number=ticket.number)


@agent_required
@require_POST
def heartbeat(request, number: str):
    """Report this agent on the page; answer with who else is here and whether it changed."""
    ticket = get_ticket(request.user, number)
    typing = bool((request.POST.get("body") or "").strip())
    presence.mark(ticket, request.user, "replying" if typing else "viewing")
    seen = int(request.POST.get("seen_event") or 0) if (request.POST.get("seen_event") or "").isdigit() else 0
    return render(request, "desk/partials/presence.html", {
        "ticket": ticket, "others": presence.others(ticket, request.user),
        "heartbeat": presence.HEARTBEAT_SECONDS,
        "changed": latest_event_id(ticket) > seen > 0,
    })


@agent_required
@require_POST
def insert_canned(request, number: str):
    """The composer's text with a canned response appended, variables filled in."""
    ticket = get_ticket(request.user, number)
    response = canned.responses_for(ticket).filter(pk=request.POST.get("canned") or 0).first()
    body = request.POST.get("body") or ""
    if response is not None:
        addition = canned.render(response.body, ticket)
        body = f"{body.rstrip()}\n\n{addition}" if body.strip() else addition
    return render(request, "desk/partials/composer_body.html", {
        "body": body, "presence_url": reverse("desk:presence", args=[ticket.number])})


@agent_required
def attachment_view(request, number: str, ordinal: int):
    ticket = get_ticket(request.user, number)
    attachment = get_object_or_404(ticket.attachments, ordinal=ordinal)
    if request.GET.get("size") == "thumb":
        response = FileResponse(default_storage.open(thumbnails.thumbnail(attachment), "rb"),
                                content_type="image/png")
        response["Cache-Control"] = "private, max-age=86400"
        return response
    extension = ".png" if attachment.content_type == "image/png" else ".jpeg"
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            filename=f"{attachment.display_name}{extension}")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@agent_required
def raw_mail(request, number: str, message_id: int):
    ticket = get_ticket(request.user, number)
    mail = get_object_or_404(InboundMail, ticket_message__ticket=ticket, ticket_message_id=message_id)
    raw = bytes(mail.raw)
    if request.GET.get("download"):
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="{ticket.number}-{message_id}.eml"'
        return response
    return HttpResponse(raw.decode("utf-8", errors="replace"), content_type="text/plain; charset=utf-8")


@agent_required
def close_view(request, number: str):
    """Cancelling or closing asks first: why (shown to the customer), and says it can be undone."""
    ticket = get_ticket(request.user, number)
    target = request.GET.get("status", "")
    if target not in CLOSED_STATUSES:
        raise Http404
    actor = Actor.agent(request.user)
    return render(request, "desk/close_confirm.html", {
        "ticket": ticket, "target": target, "target_label": status_label(target),
        "reasons": policy.close_reasons(target, actor), "seen_version": latest_event_id(ticket),
        "undo_minutes": int(policy.undo_window().total_seconds() // 60),
        "comment_limit": policy.MAX_COMMENT,
    })


@agent_required
@require_POST
def undo_close(request, number: str):
    ticket = get_ticket(request.user, number)
    try:
        services.undo_close(ticket, actor=Actor.agent(request.user))
    except DomainError as error:
        return refused(request, ticket, error)
    ticket.refresh_from_db(fields=["status"])
    messages.success(request, _("Закрытие отменено: статус «%(label)s» и сроки восстановлены, "
                                "письмо заявителю не отправлено.") % {"label": ticket.status_label()})
    return redirect("desk:ticket", number=ticket.number)
