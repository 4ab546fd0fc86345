"""The request form (/support/<service>/new), the widget, the review step and the receipt."""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from edudesk.incidents import public as known_problems
from edudesk.intake import pending_uploads
from edudesk.intake import services as intake
from edudesk.intake.multiproblem import detect_problems
from edudesk.intake.pipeline import check, register
from edudesk.intake.submission import IncomingFile, Submission
from edudesk.portal import auth
from edudesk.portal.forms import category_views, field_views, incoming_files
from edudesk.portal.useragent import browser_from_user_agent
from edudesk.portal.visitor import Visitor, widget_session_for, widget_visitor
from edudesk.portal.widget_token import WidgetTokenError
from edudesk.security import throttle
from edudesk.security.framing import framed_by_service_lms
from edudesk.sla.notices import off_hours_notice
from edudesk.tickets.models import Channel, Ticket

RECEIPT_SALT = "edudesk.portal.receipt"
RECEIPT_AGE = 7 * 24 * 60 * 60


# --- entry points -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def new_request(request, service: str):
    service_obj = auth.active_service(service)
    visitor = Visitor(service=service_obj, contact=auth.current_contact(request, service_obj))
    return _form(request, visitor)


@csrf_exempt  # the platform posts the token from its own pages; the token is the credential
@framed_by_service_lms
@require_http_methods(["GET", "POST"])
def widget_entry(request, service: str):
    service_obj = auth.active_service(service)
    token = request.POST.get("token") or request.GET.get("token") or ""
    try:
        context = auth.verify_widget_token(service_obj, token)
    except WidgetTokenError as refusal:
        return render(request, "portal/widget_refused.html",
                      {"service": service_obj, "message": refusal.message}, status=403)
    contact = auth.contact_from_widget(service_obj, context)
    # Opened in its own tab the widget also signs the user in to the portal; inside an iframe
    # the cookie may be dropped, and the signed widget session carries the identity instead.
    auth.sign_in(request, contact)
    visitor = Visitor(service=service_obj, contact=contact, claims=context.user,
                      widget_session=widget_session_for(service_obj, contact, context.user))
    return _render_form(request, visitor, category=request.GET.get("category", ""))


@csrf_exempt  # protected by the signed widget session instead of a (third-party) CSRF cookie
@framed_by_service_lms
@require_POST
def widget_form(request, service: str):
    service_obj = auth.active_service(service)
    visitor = _widget_visitor_or_refuse(request, service_obj)
    if not isinstance(visitor, Visitor):
        return visitor
    return _form(request, visitor)


@csrf_exempt  # protected by the signed widget session
@require_POST
def widget_requests(request, service: str):
    """«Мои обращения» from inside the widget: opened in a new tab (first-party cookies), the
    signed widget session signs the user in to the portal."""
    service_obj = auth.active_service(service)
    visitor = _widget_visitor_or_refuse(request, service_obj)
    if not isinstance(visitor, Visitor):
        return visitor
    auth.sign_in(request, visitor.contact)
    return redirect("portal:requests", service=service_obj.code)


@require_POST
def review(request, service: str, draft: str):
    service_obj = auth.active_service(service)
    visitor = Visitor(service=service_obj, contact=auth.current_contact(request, service_obj))
    return _review(request, visitor, draft)


@csrf_exempt
@framed_by_service_lms
@require_POST
def widget_review(request, service: str, draft: str):
    service_obj = auth.active_service(service)
    visitor = _widget_visitor_or_refuse(request, service_obj)
    if not isinstance(visitor, Visitor):
        return visitor
    return _review(request, visitor, draft)


@framed_by_service_lms
def submitted(request, service: str, receipt: str):
    """The receipt: number, date, priority and due date in large type, when a specialist
    will contact out of hours, and the seed's advice."""
    service_obj = auth.active_service(service)
    try:
        data = signing.loads(receipt, salt=RECEIPT_SALT, max_age=RECEIPT_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    found = {t.pk: t for t in Ticket.objects.filter(pk__in=data.get("t", []), service=service_obj)
             .select_related("service", "requester")}
    tickets = [found[pk] for pk in data.get("t", []) if pk in found]
    if not tickets:
        raise Http404
    for ticket in tickets:
        ticket.off_hours_notice = off_hours_notice(service_obj, ticket.created_at)
        ticket.known_problem = known_problems.incident_of(ticket)
    return render(request, "portal/submitted.html", {
        "service": service_obj, "tickets": tickets, "added": bool(data.get("added")),
        "widget": bool(data.get("w")), "email": tickets[0].requester.email,
    })


# --- the form -----------------------------------------------------------------------------------


def _widget_visitor_or_refuse(request, service):
    visitor = widget_visitor(service, request.POST.get("widget_session", ""))
    if visitor is None:
        message = _("Сеанс формы техподдержки истёк. Обновите страницу платформы и откройте форму "
                    "снова.")
        return render(request, "portal/widget_refused.html",
                      {"service": service, "message": message}, status=403)
    return visitor


def _form(request, visitor: Visitor):
    """The form, and its submit. Screenshots accepted by a submit that fails for another reason
    stay attached (``intake.pending_uploads``, tied to the form's token) until sent or removed."""
    category = request.POST.get("category") or request.GET.get("category") or ""
    token = pending_uploads.token_from(request.POST.get("upload_token"))
    if request.POST.get("remove_upload"):
        pending_uploads.remove(visitor.service, token, request.POST["remove_upload"])
    incident = known_problems.chosen(visitor.service, request.POST.get("incident")
                                     or request.GET.get("incident"))
    if incident is not None and not category:
        category = known_problems.category_for(incident, intake.schema_for(visitor.service))
    if request.method != "POST" or request.POST.get("step") != "submit":
        return _render_form(request, visitor, category=category, typed=request.POST,
                            incident=incident, token=token)
    schema = intake.schema_for(visitor.service)
    # The screenshots kept from a failed submit (checked again with the new ones).
    kept = pending_uploads.as_incoming(visitor.service, token)
    submission = _submission(request, visitor, schema, category, incident, kept)
    wait = throttle.form_submission(request, visitor.service, visitor.contact, submission.fields)
    if wait is not None:  # before any work on the files; the typed text stays on the page
        response = _render_form(request, visitor, category=category, typed=request.POST,
                                errors={"throttle": [throttle.form_message(wait)]}, status=429,
                                incident=incident, token=token)
        response["Retry-After"] = str(wait)
        return response
    checked = check(submission, schema)
    submission = checked.submission
    if checked.blocking or not schema.has_category(category):
        pending_uploads.keep(visitor.service, token, checked.images)
        return _render_form(request, visitor, category=category, typed=_typed(request, submission),
                            errors=checked.validation.errors, status=400, incident=incident,
                            token=token)
    # «У меня та же проблема» registers at once: the review step is for unknown problems.
    similar = (intake.similar_open_tickets(visitor.contact, submission.description)
               if visitor.contact and incident is None else [])
    problems = detect_problems(submission.description) if incident is None else None
    if similar or problems:
        suggested = {"similar": [{"number": s.number, "score": s.score} for s in similar],
                     "problems": len(problems.items) if problems else 0}
        draft = intake.save_draft(submission, checked.images, visitor.contact, suggested)
        pending_uploads.forget(visitor.service, token)  # the draft keeps them now
        return _render_review(request, visitor, draft, similar, problems)
    outcome = register(submission, checked)
    if not outcome.ok:
        pending_uploads.keep(visitor.service, token, checked.images)
        return _render_form(request, visitor, category=category, typed=_typed(request, submission),
                            errors=outcome.errors, status=400, incident=incident, token=token)
    if kept:
        pending_uploads.forget(visitor.service, token)
    return _to_receipt(visitor, [outcome.ticket])


def _typed(request, submission: Submission) -> dict:
    """What the form shows again: what was typed, and the text «У меня та же проблема» wrote."""
    return {**request.POST.dict(), "description": submission.description}


def _submission(request, visitor: Visitor, schema, category: str, incident=None,
                kept: list[IncomingFile] = ()) -> Submission:
    locked = visitor.locked_keys(schema)
    fields = {
        spec.key: request.POST.get(spec.key, "")
        for spec in (schema.fields_for(category) if schema.has_category(category) else schema.common)
        if spec.type != "file" and spec.key != "description" and spec.key not in locked
    }
    # The screenshots kept from a failed submit first (checked again), then the new ones.
    files = [*kept, *incoming_files(request)]
    description = request.POST.get("description", "")
    if incident is not None and not description.strip():
        description = known_problems.same_problem_text(incident)
    return Submission(
        service=visitor.service,
        channel=Channel.WIDGET if visitor.is_widget else Channel.WEB,
        requester=visitor.requester(),
        description=description,
        incident_id=incident.pk if incident is not None else None,
        category=category,
        fields=fields,
        files=files,
        locked_fields=locked,
        meta={"user_agent": request.headers.get("User-Agent", "")[:500],
              "signed_context": visitor.claims},
    )


def _render_form(request, visitor: Visitor, *, category: str, typed=None, errors=None,
                 status: int = 200, incident=None, token: str = ""):
    schema = intake.schema_for(visitor.service)
    if not schema.has_category(category):
        category = ""
    errors = errors or {}
    locked = visitor.locked_keys(schema)
    values = visitor.known_values(schema)
    values.setdefault("browser", browser_from_user_agent(request.headers.get("User-Agent", "")))
    for key, value in (typed or {}).items():
        if key not in locked and isinstance(value, str):
            values[key] = value
    fields = field_views(schema, category, values, errors, locked) if category else []
    summary = [(f"#{field.id}", message) for field in fields for message in field.errors]
    shown = {field.key for field in fields}
    summary += [("#categories" if key == "category" else "#main", message)
                for key, messages in errors.items() if key not in shown for message in messages]
    return render(request, "portal/new.html", {
        "service": visitor.service,
        "visitor": visitor,
        "categories": category_views(schema, category),
        "category": next((c for c in schema.categories if c.key == category), None),
        "category_label": (schema.category(category).label.get(get_language()) if category else ""),
        "category_help": (schema.category(category).help.get(get_language()) if category else ""),
        "fields": fields,
        "summary": summary,
        "action": _action(visitor, "form"),
        "upload_token": token or pending_uploads.token_from(""),
        "pending_uploads": pending_uploads.held(visitor.service, token) if token else [],
        # «Известные проблемы» first, while the service has active incidents.
        "known_problems": known_problems.for_form(visitor.service),
        "chosen_incident": incident,
    }, status=status)


def _action(visitor: Visitor, page: str, draft=None) -> str:
    code = visitor.service.code
    if page == "form":
        name = "portal:widget_form" if visitor.is_widget else "portal:new"
        return reverse(name, kwargs={"service": code})
    name = "portal:widget_review" if visitor.is_widget else "portal:review"
    return reverse(name, kwargs={"service": code, "draft": draft.pk})


def _to_receipt(visitor: Visitor, tickets: list[Ticket], added: bool = False):
    receipt = signing.dumps({"t": [t.pk for t in tickets], "added": added, "w": visitor.is_widget},
                            salt=RECEIPT_SALT)
    return redirect("portal:submitted", service=visitor.service.code, receipt=receipt)


# --- the review step: a similar open ticket, or several problems in one request ----------------


def _render_review(request, visitor: Visitor, draft, similar, problems):
    return render(request, "portal/review.html", {
        "service": visitor.service, "visitor": visitor, "draft": draft, "similar": similar,
        "problems": problems, "action": _action(visitor, "review", draft),
        "description": draft.payload.get("description", ""),
    })


def _review(request, visitor: Visitor, draft_id: str):
    draft = intake.load_draft(draft_id, visitor.service)
    if draft is None or (draft.contact_id and draft.contact_id != getattr(visitor.contact, "pk", None)):
        raise Http404
    try:
        decision = intake.decide(draft, request.POST.get("choice", ""), visitor.contact)
    except LookupError as exc:
        raise Http404 from exc
    if not decision.ok:
        refused = next(outcome for outcome in decision.outcomes if not outcome.ok)
        return _render_form(request, visitor, category=decision.submission.category,
                            typed=decision.submission.fields, errors=refused.errors, status=400)
    return _to_receipt(visitor, [outcome.ticket for outcome in decision.outcomes],
                       added=decision.added)
