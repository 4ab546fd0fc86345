"""API v1: phone and messenger consultations, and their conversion into official tickets."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from edudesk.accounts.services import find_or_create_contact, find_or_create_organisation
from edudesk.api import access
from edudesk.api.errors import ApiError, not_found
from edudesk.api.schemas import ConsultationConvertIn, ConsultationIn, ConsultationOut, TicketOut
from edudesk.api.serializers import consultation_out, ticket_out
from edudesk.tickets import services
from edudesk.tickets.models import Consultation

router = Router(tags=["consultations"])


@router.post("/consultations", response={201: ConsultationOut})
def create_consultation(request, payload: ConsultationIn):
    access.require_agent(request)
    service = access.service_for(request, payload.service)
    if payload.channel not in Consultation.ConsultationChannel.values:
        raise ApiError(422, "validation_error", _("Канал консультации: телефон или мессенджер."),
                       errors={"channel": list(Consultation.ConsultationChannel.values)})
    consultation = Consultation.objects.create(
        service=service, agent=request.auth.user, **payload.dict(exclude={"service"}))
    return Status(201, consultation_out(consultation))


@router.post("/consultations/{consultation_id}/convert", response={201: TicketOut})
def convert_consultation(request, consultation_id: int, payload: ConsultationConvertIn):
    access.require_agent(request)
    consultation = (Consultation.objects.select_related("service")
                    .filter(pk=consultation_id,
                            service_id__in=request.auth.user.served_service_ids()).first())
    if consultation is None:
        raise not_found(_("Консультация %(id)s") % {"id": consultation_id})
    who = payload.requester
    if not (who.email or who.phone or who.login):
        raise ApiError(422, "validation_error",
                       _("Укажите контактные данные заявителя: адрес электронной почты или телефон."),
                       errors={"requester": ["email", "phone"]})
    organisation = find_or_create_organisation(consultation.service, who.organisation,
                                               city=who.city, region=who.region)
    requester = find_or_create_contact(consultation.service, email=who.email,
                                       full_name=who.full_name, phone=who.phone, login=who.login,
                                       role=who.role, organisation=organisation)
    ticket = services.convert_consultation(
        consultation, actor=access.actor_of(request), requester=requester,
        subject=payload.subject or consultation.topic,
        description=payload.description or consultation.notes or consultation.topic,
        category=payload.category, priority=payload.priority or "normal", fields=payload.fields,
    )
    return Status(201, ticket_out(access.get_ticket(request, ticket.number)))
