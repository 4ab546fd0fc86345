"""Ticket actions: assign, priority, category, merge, split, link. Each calls one domain function,
naming the version of the ticket the agent's page showed (``desk.staleness``)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edudesk.desk import staleness
from edudesk.desk.access import agent_required, get_ticket, ticket_scope
from edudesk.desk.card import category_choices
from edudesk.desk.forms import AssignForm, CategoryForm, NumberForm, PriorityForm, SplitForm
from edudesk.desk.lookup import number_candidates
from edudesk.intake import categorize
from edudesk.intake.services import split_registered_problems
from edudesk.tickets import policy, services, versions
from edudesk.tickets.errors import DomainError, StaleTicket
from edudesk.tickets.types import Actor


def refused(request, ticket, error: DomainError):
    """Tell the agent why the action was not done, on the ticket page as it is now."""
    if isinstance(error, StaleTicket):
        staleness.report(request, ticket, error)
    else:
        messages.error(request, error.message)
    return redirect("desk:ticket", number=ticket.number)


def _done(request, ticket, success: str, action) -> object:
    """Run one domain call; report its outcome on the ticket page."""
    try:
        result = action()
    except DomainError as error:
        return refused(request, ticket, error)
    messages.success(request, success if isinstance(success, str) else success(result))
    return redirect("desk:ticket", number=ticket.number)


def _form_errors(request, ticket, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("desk:ticket", number=ticket.number)


def _other_ticket(request, number: str):
    """Another ticket this agent may see, by any spelling of its number (INC0000123, 123)."""
    from edudesk.accounts.models import Service

    prefixes = set(Service.objects.values_list("number_prefix", flat=True))
    candidates = number_candidates(number, prefixes) or [number.strip().upper()]
    return ticket_scope(request.user).filter(number__in=candidates).order_by("id").first()


@agent_required
@require_POST
def assign(request, number: str):
    ticket = get_ticket(request.user, number)
    actor = Actor.agent(request.user)
    seen = staleness.seen_version(request)
    if request.POST.get("to_me"):
        return _done(request, ticket, _("Обращение назначено на вас."),
                     lambda: services.assign(ticket, actor=actor, assignee=request.user,
                                             seen_version=seen))
    form = AssignForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return _form_errors(request, ticket, form)
    return _done(request, ticket, _("Назначение изменено."),
                 lambda: services.assign(ticket, actor=actor, assignee=form.cleaned_data["assignee"],
                                         group=form.cleaned_data["group"], seen_version=seen))


@agent_required
@require_POST
def priority(request, number: str):
    ticket = get_ticket(request.user, number)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ticket, form)
    return _done(request, ticket, _("Приоритет изменён, сроки пересчитаны."),
                 lambda: services.set_priority(ticket, form.cleaned_data["priority"],
                                               actor=Actor.agent(request.user),
                                               seen_version=staleness.seen_version(request)))


@agent_required
@require_POST
def category(request, number: str):
    ticket = get_ticket(request.user, number)
    form = CategoryForm(request.POST, categories=category_choices(ticket))
    if not form.is_valid():
        return _form_errors(request, ticket, form)
    return _done(request, ticket, _("Категория изменена."),
                 lambda: services.set_category(ticket, form.cleaned_data["category"],
                                               actor=Actor.agent(request.user),
                                               seen_version=staleness.seen_version(request)))


@agent_required
@require_POST
def confirm_category(request, number: str):
    """The inferred category is right: the service's model learns it as an example."""
    ticket = get_ticket(request.user, number)
    categorize.record_example(ticket, ticket.category)
    messages.success(request, _("Категория подтверждена."))
    return redirect("desk:ticket", number=ticket.number)


@agent_required
@require_POST
def split_problems(request, number: str):
    """One ticket per problem found in a letter or API request that described several."""
    ticket = get_ticket(request.user, number)
    return _done(request, ticket,
                 lambda created: _("Выделены отдельные обращения: %(numbers)s.")
                 % {"numbers": ", ".join(t.number for t in created)},
                 lambda: split_registered_problems(ticket, Actor.agent(request.user),
                                                   staleness.seen_version(request)))


@agent_required
@require_http_methods(["GET", "POST"])
def merge(request, number: str):
    """Merge this ticket (the duplicate) into the original named in the form.

    GET shows both tickets side by side for the agent to confirm (or why they may not be
    merged, with linking them as one problem instead); POST merges the versions confirmed.
    """
    duplicate = get_ticket(request.user, number)
    form = NumberForm(request.POST if request.method == "POST" else request.GET)
    original = _other_ticket(request, form.data.get("number", "")) if form.is_valid() else None
    if original is None:
        messages.error(request, _("Обращение с таким номером не найдено."))
        return redirect("desk:ticket", number=duplicate.number)
    if request.method == "GET":
        return render(request, "desk/merge_confirm.html", merge_context(duplicate, original))
    try:
        services.merge(duplicate, original, actor=Actor.agent(request.user),
                       seen_version=staleness.seen_version(request),
                       seen_into_version=versions.parse(request.POST.get("seen_into_event")))
    except DomainError as error:
        return refused(request, duplicate, error)
    messages.success(request, _("Обращение %(duplicate)s объединено с %(original)s.")
                     % {"duplicate": duplicate.number, "original": original.number})
    return redirect("desk:ticket", number=original.number)


def merge_context(duplicate, original) -> dict:
    refusal = policy.merge_refusal(duplicate, original)
    return {
        "duplicate": duplicate, "original": original, "refusal": refusal,
        "sides": [{"role": _("Повтор"), "ticket": duplicate},
                  {"role": _("Основное обращение"), "ticket": original}],
        "requesters_differ": duplicate.requester_id != original.requester_id,
        "organisations_differ": duplicate.organisation_id != original.organisation_id,
        # Different people's tickets about one problem are linked instead (each keeps theirs).
        "can_link": bool(refusal) and duplicate.service_id == original.service_id
        and duplicate.pk != original.pk,
        "duplicate_version": versions.current_version(duplicate),
        "original_version": versions.current_version(original),
    }


@agent_required
@require_POST
def link(request, number: str):
    ticket = get_ticket(request.user, number)
    form = NumberForm(request.POST)
    other = _other_ticket(request, form.data.get("number", "")) if form.is_valid() else None
    if other is None:
        messages.error(request, _("Обращение с таким номером не найдено."))
        return redirect("desk:ticket", number=ticket.number)
    return _done(request, ticket, _("Обращения связаны."),
                 lambda: services.link(ticket, other, actor=Actor.agent(request.user),
                                       seen_version=staleness.seen_version(request)))


@agent_required
@require_POST
def split(request, number: str):
    """Make a new ticket from one message (or part of it): one ticket, one problem."""
    ticket = get_ticket(request.user, number)
    form = SplitForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ticket, form)
    message = None
    if form.cleaned_data.get("message"):
        message = ticket.messages.filter(pk=form.cleaned_data["message"]).first()
    try:
        new_ticket = services.split(ticket, actor=Actor.agent(request.user), text=form.cleaned_data["text"],
                                    subject=form.cleaned_data.get("subject") or "", message=message,
                                    seen_version=staleness.seen_version(request))
    except DomainError as error:
        return refused(request, ticket, error)
    messages.success(request, _("Выделено новое обращение %(number)s.") % {"number": new_ticket.number})
    return redirect("desk:ticket", number=new_ticket.number)
