"""API v1: the services a caller may submit to."""

from typing import Any

from ninja import Router

from edudesk.accounts.models import Service
from edudesk.api import access
from edudesk.api.schemas import ServiceCode, ServiceOut
from edudesk.intake.services import schema_for

router = Router(tags=["services"])


@router.get("/services", response=list[ServiceOut])
def list_services(request):
    services = Service.objects.filter(is_active=True).order_by("code")
    token = request.auth
    if token.user_id:
        services = services.filter(pk__in=token.user.served_service_ids())
    else:
        services = services.filter(pk=token.contact.service_id)
    return list(services)


@router.get("/services/{code}/form", response=dict[str, Any])
def service_form(request, code: ServiceCode):
    """The service's form schema: the common fields and each category's fields, with their
    Russian and English labels and help texts (the shape is documented in
    edudesk/intake/schema.py). Submit the values as ``fields`` and the category's key as
    ``category`` of POST /tickets; the same validation applies."""
    return schema_for(access.service_for(request, code)).to_json()
