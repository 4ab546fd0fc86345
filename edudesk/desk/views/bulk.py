"""Bulk actions from a queue: take several tickets, move them on, or change their priority.

Each ticket goes through the same domain function as on its own page; one refusal does not
stop the others, and the agent is told which numbers were not changed and why. The queue page
posts the version it was built from: a ticket changed since is not touched, and the agent is
told who changed it (``desk.staleness``).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk import staleness
from edudesk.desk.access import agent_required, ticket_scope
from edudesk.tickets import services
from edudesk.tickets.errors import DomainError, StaleTicket
from edudesk.tickets.models import Priority
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

MAX_TICKETS = 100


def _operation(request, actor: Actor):
    """The chosen action as a function of one ticket, or None when the choice is unknown."""
    action = request.POST.get("action", "")
    kind, _sep, value = action.partition(":")
    seen = staleness.seen_version(request)
    if kind == "take":
        return lambda ticket: services.assign(ticket, actor=actor, assignee=request.user,
                                              seen_version=seen)
    if kind == "status" and value in Status.values:
        return lambda ticket: services.transition(ticket, value, actor=actor, seen_version=seen)
    if kind == "priority" and value in Priority.values:
        return lambda ticket: services.set_priority(ticket, value, actor=actor, seen_version=seen)
    return None


@agent_required
@require_POST
def bulk(request):
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    numbers = request.POST.getlist("tickets")[:MAX_TICKETS]
    operation = _operation(request, Actor.agent(request.user))
    if operation is None or not numbers:
        messages.error(request, _("Отметьте обращения и выберите действие."))
        return redirect(back or "desk:queue")
    changed, refused = [], []
    for ticket in ticket_scope(request.user).filter(number__in=numbers).select_related("service"):
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
    return redirect(back or "desk:queue")
