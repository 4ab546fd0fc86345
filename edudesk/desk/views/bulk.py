"""Bulk actions from a queue: take several tickets, move them on, or change their priority;
or declare a mass incident from them (the declare form, filled in from the selection).

Each ticket goes through the same domain function as on its own page; one refusal does not
stop the others, and the agent is told which numbers were not changed and why. The queue page
posts the version it was built from: a ticket changed since is not touched, and the agent is
told who changed it (``desk.staleness``).

Closing several tickets (cancelled, resolved) asks first, as on a ticket's page: the tickets,
the reason each customer will be told, and that it can be undone. For the undo window the queue
then offers «Вернуть» for them all; each ticket is returned by ``services.undo_close`` under the
same rule as on its own page (the same agent, in time, nothing changed since).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk import staleness
from edudesk.desk.access import agent_required, ticket_scope
from edudesk.tickets import policy, services
from edudesk.tickets.errors import DomainError, StaleTicket
from edudesk.tickets.models import Priority
from edudesk.tickets.status import CLOSED_STATUSES, Status
from edudesk.tickets.types import Actor

MAX_TICKETS = 100
UNDO_SESSION_KEY = "desk_bulk_undo"  # the numbers the last bulk closing closed, for «Вернуть»
# The bulk bar's «Объявить инцидент»: the selected tickets become a mass incident's children.
DECLARE_INCIDENT = "incident"


def _operation(request, actor: Actor):
    """The chosen action as a function of one ticket, or None when the choice is unknown."""
    action = request.POST.get("action", "")
    kind, _sep, value = action.partition(":")
    seen = staleness.seen_version(request)
    if kind == "take":
        return lambda ticket: services.assign(ticket, actor=actor, assignee=request.user,
                                              seen_version=seen)
    if kind == "status" and value in Status.values:
        reason, comment = request.POST.get("reason", ""), request.POST.get("comment", "")
        return lambda ticket: services.transition(ticket, value, actor=actor, seen_version=seen,
                                                  reason=reason, comment=comment)
    if kind == "priority" and value in Priority.values:
        return lambda ticket: services.set_priority(ticket, value, actor=actor, seen_version=seen)
    if kind == "undo":
        return lambda ticket: services.undo_close(ticket, actor=actor)
    return None


def _closing_target(request) -> str:
    kind, _sep, value = request.POST.get("action", "").partition(":")
    return value if kind == "status" and value in CLOSED_STATUSES else ""


@agent_required
@require_POST
def bulk(request):
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    numbers = request.POST.getlist("tickets")[:MAX_TICKETS]
    if request.POST.get("action") == DECLARE_INCIDENT and numbers:
        # Not a change of the tickets: the declare form, filled in from them, for the agent.
        return redirect(f"{reverse('incidents:declare')}?{urlencode({'tickets': ' '.join(numbers)})}")
    actor = Actor.agent(request.user)
    operation = _operation(request, actor)
    if operation is None or not numbers:
        messages.error(request, _("Отметьте обращения и выберите действие."))
        return redirect(back or "desk:queue")
    tickets = ticket_scope(request.user).filter(number__in=numbers).select_related("service")
    closing = _closing_target(request)
    if closing and not request.POST.get("reason"):
        return _confirm_closing(request, tickets, closing, actor, back)
    changed, refused = [], []
    for ticket in tickets:
        try:
            operation(ticket)
        except StaleTicket as error:
            changes = "; ".join(staleness.changes_since(ticket, error.details["seen"]))
            refused.append(f"{ticket.number}: {error.message} {changes}")
        except DomainError as error:
            refused.append(f"{ticket.number}: {error.message}")
        else:
            changed.append(ticket.number)
    if changed:
        messages.success(request, _("Изменено обращений: %(count)d.") % {"count": len(changed)})
    for reason in refused:
        messages.error(request, reason)
    if closing and changed:
        until = timezone.now() + policy.undo_window()
        request.session[UNDO_SESSION_KEY] = {"numbers": changed, "until": until.timestamp()}
    elif request.POST.get("action") == "undo":
        request.session.pop(UNDO_SESSION_KEY, None)
    return redirect(back or "desk:queue")


def _confirm_closing(request, tickets, target: str, actor: Actor, back: str):
    """Closing the ticked tickets asks first: which, why (told to each customer), and undo."""
    return render(request, "desk/bulk_close_confirm.html", {
        "tickets": tickets.select_related("requester", "organisation").order_by("id"),
        "action": request.POST["action"], "target_label": Status(target).label,
        "reasons": policy.close_reasons(target, actor),
        "seen_event": request.POST.get("seen_event", ""), "next": back,
        "undo_minutes": int(policy.undo_window().total_seconds() // 60),
        "comment_limit": policy.MAX_COMMENT,
    })


def pending_undo(request) -> list[str]:
    """The tickets the agent's last bulk closing closed, while its undo window lasts (each
    ticket's own undo is still decided by the domain when «Вернуть» is pressed)."""
    closed = request.session.get(UNDO_SESSION_KEY) or {}
    if closed and closed.get("until", 0) < timezone.now().timestamp():
        request.session.pop(UNDO_SESSION_KEY, None)
        return []
    return closed.get("numbers", [])
