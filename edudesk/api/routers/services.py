"""API v1: the services a caller may submit to."""

from ninja import Router

from edudesk.accounts.models import Service
from edudesk.api.schemas import ServiceOut

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
