"""The desk's mass incidents: the list (with the desk's proposals), declaring one from tickets,
an incident's page (children, suggestions, updates, resolution)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.accounts.models import Organisation
from edudesk.desk.access import agent_required, served_services, ticket_scope
from edudesk.incidents import public, services
from edudesk.incidents.forms import DeclareForm, EditForm, LinkForm, ResolveForm, UpdateForm
from edudesk.incidents.models import Incident, IncidentProposal, IncidentSuggestion, IncidentUpdate
from edudesk.tickets.errors import DomainError
from edudesk.tickets.models import Ticket

CHILDREN_SHOWN = 200


def _incident(user, pk: int) -> Incident:
    incident = (Incident.objects.select_related("service", "declared_by")
                .filter(pk=pk, service_id__in=user.served_service_ids()).first())
    if incident is None:
        raise Http404
    return incident


@agent_required
def incident_list(request):
    services_qs = served_services(request.user)
    incidents = (Incident.objects.filter(service__in=services_qs).select_related("service")
                 .annotate(children_count=Count("children"),
                           open_count=Count("children", filter=Q(
                               children__ticket__closed_at__isnull=True)))
                 .order_by("state", "-started_at", "-id")[:100])
    proposals = (IncidentProposal.objects.filter(service__in=services_qs,
                                                 state=IncidentProposal.State.OPEN)
                 .select_related("service").prefetch_related("tickets")[:20])
    return render(request, "incidents/desk_list.html", {
        "incidents": incidents, "proposals": proposals})


def _tickets_from(user, numbers: list[str]) -> tuple[list[Ticket], list[str]]:
    found = {t.number: t for t in ticket_scope(user).filter(number__in=numbers)
             .select_related("service", "organisation")}
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


def _regions_of(chosen: list[Ticket]) -> list[str]:
    """The regions the chosen tickets name (the form's field, else their organisation's)."""
    found = [str(t.fields.get("region") or (t.organisation.region if t.organisation else "")).strip()
             for t in chosen]
    return list(dict.fromkeys(region for region in found if region))


@agent_required
def declare(request):
    services_qs = served_services(request.user)
    data = request.POST if request.method == "POST" else None
    numbers_text = (request.POST.get("tickets") if data else request.GET.get("tickets", "")) or ""
    proposal = None
    if request.GET.get("proposal"):
        proposal = IncidentProposal.objects.filter(pk=request.GET["proposal"],
                                                   service__in=services_qs).first()
        if proposal is not None and data is None:
            numbers_text = " ".join(t.number for t in proposal.tickets.order_by("id"))
    numbers = list(dict.fromkeys(numbers_text.replace(",", " ").split()))
    chosen, unknown = _tickets_from(request.user, numbers)
    first = chosen[0] if chosen else None
    organisations = Organisation.objects.filter(
        Q(pk__in=[t.organisation_id for t in chosen if t.organisation_id])
        | Q(pk__in=[v for v in (data.getlist("organisations") if data else []) if v.isdigit()]),
        service__in=services_qs).order_by("name")
    initial = {"tickets": " ".join(t.number for t in chosen),
               "service": first.service if first else services_qs.first(),
               "title": first.subject if first else "",
               "child_sla": services.policy_for(first.service).child_sla if first else "pause"}
    if first is not None:
        initial["started_at"] = min(t.created_at for t in chosen)
        initial["regions"] = "\n".join(_regions_of(chosen))
    form = DeclareForm(data, services=services_qs, organisations=organisations, initial=initial)
    if data is not None and form.is_valid():
        if unknown:
            form.add_error("tickets", _("Не найдены обращения: %(numbers)s.")
                           % {"numbers": ", ".join(unknown)})
        else:
            try:
                incident = services.declare(
                    service=form.cleaned_data["service"], agent=request.user,
                    title=form.cleaned_data["title"], public_text=form.cleaned_data["public_text"],
                    tickets_=chosen, regions=form.region_list(),
                    organisations=form.cleaned_data["organisations"],
                    started_at=form.cleaned_data["started_at"],
                    child_sla=form.cleaned_data["child_sla"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Объявлен массовый инцидент %(label)s.")
                                 % {"label": incident.label})
                return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/desk_declare.html", {"form": form, "chosen": chosen},
                  status=400 if data is not None else 200)


# How often the page asks how far an update's fan-out got (it shows "отправлено в N из M").
PROGRESS_POLL_SECONDS = 3


def _detail_context(request, incident: Incident, **forms) -> dict:
    children = (Ticket.objects.filter(incident_link__incident=incident)
                .select_related("organisation", "requester").order_by("id")[:CHILDREN_SHOWN])
    suggestions = (IncidentSuggestion.objects.filter(incident=incident)
                   .select_related("ticket", "ticket__organisation").order_by("-score", "id")[:50])
    return {
        "incident": incident, "children": children,
        "children_count": incident.children.count(),
        "suggestions": suggestions,
        "timeline": _timeline(incident),
        "status_url": public.status_url(incident.service),
        "poll_seconds": PROGRESS_POLL_SECONDS,
        "update_form": forms.get("update_form") or UpdateForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "link_form": forms.get("link_form") or LinkForm(),
    }


def _timeline(incident: Incident) -> list:
    """The incident's updates and the edits of what was declared, the newest first."""
    entries = [*incident.updates.select_related("author"), *incident.edits.select_related("author")]
    return sorted(entries, key=lambda entry: (entry.created_at, entry.pk), reverse=True)


@agent_required
def detail(request, pk: int):
    incident = _incident(request.user, pk)
    return render(request, "incidents/desk_detail.html", _detail_context(request, incident))


@agent_required
def update_progress(request, pk: int, update: int):
    """How far an update's fan-out got: the page asks every few seconds until it is finished."""
    incident = _incident(request.user, pk)
    found = get_object_or_404(IncidentUpdate, pk=update, incident=incident)
    return render(request, "incidents/partials/update_progress.html",
                  {"u": found, "poll_seconds": PROGRESS_POLL_SECONDS})


def _again(request, incident, status=400, **forms):
    return render(request, "incidents/desk_detail.html",
                  _detail_context(request, incident, **forms), status=status)


@agent_required
def edit(request, pk: int):
    """Correct the title, the text for users, the scope or the start of an incident."""
    incident = _incident(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = EditForm.for_incident(incident, data)
    if data is not None and form.is_valid():
        try:
            change = services.edit(
                incident, agent=request.user, title=form.cleaned_data["title"],
                public_text=form.cleaned_data["public_text"], regions=form.region_list(),
                organisations=form.cleaned_data["organisations"],
                started_at=form.cleaned_data["started_at"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Инцидент %(label)s изменён.") % {"label": incident.label}
                             if change else _("Ничего не изменилось."))
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/desk_edit.html", {"form": form, "incident": incident},
                  status=400 if data is not None else 200)


@agent_required
@require_POST
def post_update(request, pk: int):
    incident = _incident(request.user, pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            update = services.post_update(incident, agent=request.user, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Сообщение отправляется в связанные обращения: %(n)s. "
                                        "Ход отправки виден в списке сообщений.")
                             % {"n": update.children_total})
            return redirect("incidents:detail", pk=incident.pk)
    return _again(request, incident, update_form=form)


@agent_required
@require_POST
def resolve(request, pk: int):
    incident = _incident(request.user, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            update = services.resolve(incident, agent=request.user,
                                      closing_text=form.cleaned_data["closing_text"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Инцидент устранён; связанные обращения закрываются: "
                                        "%(n)s.") % {"n": update.children_total})
            return redirect("incidents:detail", pk=incident.pk)
    return _again(request, incident, resolve_form=form)


@agent_required
@require_POST
def link(request, pk: int):
    """Link a ticket by its number, or a suggested one in one click."""
    incident = _incident(request.user, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        ticket = ticket_scope(request.user).filter(number=form.cleaned_data["number"].strip()).first()
        if ticket is None:
            form.add_error("number", _("Обращение %(number)s не найдено.")
                           % {"number": form.cleaned_data["number"]})
        else:
            try:
                services.link_by_agent(incident, ticket, agent=request.user)
            except DomainError as error:
                form.add_error("number", str(error))
            else:
                messages.success(request, _("Обращение %(number)s связано с инцидентом %(label)s.")
                                 % {"number": ticket.number, "label": incident.label})
                return redirect(_safe_next(request, incident))
    return _again(request, incident, link_form=form)


def _safe_next(request, incident) -> str:
    """Back to the ticket the link was made from (a desk path only)."""
    target = request.POST.get("next", "")
    if target.startswith("/desk/") and "//" not in target and "\\" not in target:
        return target
    return reverse("incidents:detail", kwargs={"pk": incident.pk})


@agent_required
@require_POST
def unlink(request, pk: int, number: str):
    incident = _incident(request.user, pk)
    ticket = ticket_scope(request.user).filter(number=number).first()
    if ticket is None:
        raise Http404
    try:
        services.unlink(incident, ticket, agent=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Обращение %(number)s больше не связано с инцидентом.")
                         % {"number": ticket.number})
    return redirect("incidents:detail", pk=incident.pk)


@agent_required
@require_POST
def dismiss_suggestion(request, pk: int, suggestion: int):
    incident = _incident(request.user, pk)
    row = IncidentSuggestion.objects.filter(pk=suggestion, incident=incident).first()
    if row is None:
        raise Http404
    services.dismiss_suggestion(row, agent=request.user)
    return redirect(_safe_next(request, incident))


@agent_required
@require_POST
def dismiss_proposal(request, proposal: int):
    row = IncidentProposal.objects.filter(pk=proposal,
                                          service__in=served_services(request.user)).first()
    if row is None:
        raise Http404
    services.dismiss_proposal(row, agent=request.user)
    return redirect("incidents:list")
