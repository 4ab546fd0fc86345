"""API v1: phone and messenger consultations, and their conversion into official tickets."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from edudesk.api import access
from edudesk.api.errors import ApiError, not_found
from edudesk.api.schemas import ConsultationConvertIn, ConsultationIn, ConsultationOut, TicketOut
from edudesk.api.serializers import consultation_out, ticket_out
from edudesk.intake import consultations
from edudesk.intake.submission import RequesterData
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
    consultation = services.log_consultation(
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
    outcome = consultations.convert(
        consultation, actor=access.actor_of(request), requester=RequesterData(**payload.requester.dict()),
        subject=payload.subject, description=payload.description, category=payload.category,
        priority=payload.priority, fields=payload.fields)
    if not outcome.ok:
        raise ApiError(422, "validation_error", _("Обращение не принято: проверьте данные."),
                       errors=outcome.errors)
    return Status(201, ticket_out(access.shown_ticket(request, outcome.ticket.number)))
