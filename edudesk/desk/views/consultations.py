"""Phone and messenger consultations: the quick form, the list, and «оформить обращение»."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from edudesk.accounts.models import Contact
from edudesk.desk.access import agent_required, get_consultation, served_services
from edudesk.desk.convert import ConvertForm
from edudesk.desk.forms import ConsultationForm
from edudesk.desk.keyset import Keyset
from edudesk.intake import consultations
from edudesk.intake.services import schema_for
from edudesk.search.services import search_contacts
from edudesk.sla.notices import registration_summary
from edudesk.tickets import services
from edudesk.tickets.errors import DomainError
from edudesk.tickets.models import Consultation
from edudesk.tickets.types import Actor

PAGE_SIZE = 50
CALLERS_SHOWN = 8
_KEYSET = Keyset("id", descending=True)


@agent_required
def consultation_list(request):
    services_qs = served_services(request.user)
    form = ConsultationForm(request.POST or None, services=services_qs,
                            initial={"service": services_qs.first()})
    if request.method == "POST" and form.is_valid():
        consultation = _create(request, form)
        if consultation is not None:
            messages.success(request, _("Консультация записана."))
            return redirect("desk:consultations")
    consultations = (Consultation.objects.filter(service__in=services_qs)
                     .select_related("service", "contact", "agent", "ticket"))
    page, next_cursor = _KEYSET.page(consultations, _KEYSET.decode(request.GET.get("after", "")),
                                     PAGE_SIZE)
    return render(request, "desk/consultations.html", {
        "form": form, "consultations": page, "next_cursor": next_cursor,
        "caller": _chosen_caller(request, form),
    })


def _chosen_caller(request, form) -> Contact | None:
    pk = form.data.get("contact") if form.is_bound else None
    if not pk or not str(pk).isdigit():
        return None
    return Contact.objects.filter(pk=pk, service_id__in=request.user.served_service_ids()).first()


def _create(request, form) -> Consultation | None:
    data = form.cleaned_data
    contact = None
    if data.get("contact"):
        contact = Contact.objects.filter(pk=data["contact"], service=data["service"]).first()
        if contact is None:
            form.add_error("contact", _("Этот заявитель относится к другому сервису."))
            return None
    return services.log_consultation(
        service=data["service"], agent=request.user, contact=contact,
        caller_name=data["caller_name"] or (contact.full_name if contact else ""),
        contact_info=data["contact_info"], channel=data["channel"], topic=data["topic"],
        notes=data["notes"], duration_minutes=data["duration_minutes"], outcome=data["outcome"],
    )


@agent_required
def caller_search(request):
    return render(request, "desk/partials/callers.html", {
        "callers": search_contacts(request.user, request.GET.get("caller_query", ""), CALLERS_SHOWN),
        "query": request.GET.get("caller_query", ""),
    })


@agent_required
def caller_pick(request, pk: int):
    contact = get_object_or_404(Contact.objects.select_related("organisation"), pk=pk,
                                service_id__in=request.user.served_service_ids())
    return render(request, "desk/partials/caller_chosen.html", {"caller": contact})


@agent_required
def convert(request, pk: int):
    """The service's intake form filled with what the consultation knows; POST registers it."""
    consultation = get_consultation(request.user, pk)
    if hasattr(consultation, "ticket"):
        messages.info(request, _("Эта консультация уже оформлена как обращение %(number)s.")
                      % {"number": consultation.ticket.number})
        return redirect("desk:ticket", number=consultation.ticket.number)
    schema = schema_for(consultation.service)
    category = (request.POST or request.GET).get("category") or schema.categories[0].key
    bound = request.method == "POST" and not request.POST.get("refresh")
    # Changing the category redraws the form with that category's fields, keeping what was typed.
    typed = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "refresh")}
    form = ConvertForm(request.POST if bound else None, schema=schema, category=category,
                       consultation=consultation, initial={**typed, "category": category})
    if bound and form.is_valid():
        outcome = _register(request, consultation, form)
        if outcome is not None and outcome.ok:
            messages.success(request, _("Обращение зарегистрировано. Сообщите заявителю номер и "
                                        "дату: %(summary)s") % {
                                            "summary": registration_summary(outcome.ticket)})
            if outcome.missing:
                messages.info(request, _("Не хватает данных: %(items)s. Запросите уточнение.")
                              % {"items": ", ".join(outcome.missing)})
            return redirect("desk:ticket", number=outcome.ticket.number)
        if outcome is not None:
            form.show_errors(outcome.errors)
    template = "desk/partials/convert_form.html" if request.htmx else "desk/convert.html"
    return render(request, template, {"consultation": consultation, "form": form})


def _register(request, consultation: Consultation, form: ConvertForm):
    """Through the intake pipeline, as the API does (intake.consultations)."""
    data = form.cleaned_data
    try:
        return consultations.convert(
            consultation, actor=Actor.agent(request.user), subject=data["subject"],
            description=data["description"], category=data["category"],
            priority=data["priority"], fields=form.values())
    except DomainError as error:
        form.add_error(None, error.message)
        return None
