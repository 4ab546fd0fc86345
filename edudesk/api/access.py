"""Who the API caller is, and what they may see."""

import base64
import binascii

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from edudesk.accounts.models import Service
from edudesk.api.errors import ApiError, not_found
from edudesk.api.serializers import with_relations
from edudesk.tickets import selectors
from edudesk.tickets.models import Ticket
from edudesk.tickets.types import Actor


def actor_of(request) -> Actor:
    token = request.auth
    return Actor.agent(token.user) if token.user_id else Actor.customer(token.contact)


def is_agent(request) -> bool:
    return request.auth.user_id is not None


def require_agent(request) -> None:
    if not is_agent(request):
        raise ApiError(403, "forbidden", _("Это действие доступно только специалистам поддержки."))


def visible_tickets(request) -> QuerySet[Ticket]:
    token = request.auth
    if token.user_id:
        return selectors.visible_to_user(token.user)
    return selectors.visible_to_contact(token.contact)


def get_ticket(request, number: str) -> Ticket:
    """The caller's ticket by number, its own row alone (404 when they may not see it)."""
    ticket = visible_tickets(request).filter(number=number.upper()).first()
    if ticket is None:
        raise not_found(_("Обращение %(number)s") % {"number": number})
    return ticket


def shown_ticket(request, number: str) -> Ticket:
    """``get_ticket`` with what ``serializers.ticket_out`` shows of its relations."""
    return with_relations([get_ticket(request, number)])[0]


def service_for(request, code: str) -> Service:
    service = Service.objects.filter(code=code, is_active=True).first()
    token = request.auth
    if service is None:
        raise not_found(_("Сервис «%(code)s»") % {"code": code})
    if token.user_id and service.pk not in token.user.served_service_ids():
        raise not_found(_("Сервис «%(code)s»") % {"code": code})
    if token.contact_id and token.contact.service_id != service.pk:
        raise not_found(_("Сервис «%(code)s»") % {"code": code})
    return service


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = raw.partition(":")
        if kind != "id":
            raise ValueError
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(422, "invalid_cursor", _("Неверный курсор постраничного вывода.")) from None
