"""Exact look-ups for the search box: a ticket number, or the requester's e-mail, phone or login.

The search app offers full-text search; these exact matches work without it (and are what
an agent types most: the number the customer read out on the phone).
"""

import re

from django.db.models import Q, QuerySet

from edudesk.accounts.models import Service
from edudesk.accounts.phones import to_e164
from edudesk.accounts.services import normalise_email, normalise_phone
from edudesk.tickets.models import Ticket
from edudesk.tickets.numbering import DIGITS, format_number

_NUMBER = re.compile(rf"^\s*([A-Za-zА-Яа-я]{{0,10}})\s*0*(\d{{1,{DIGITS}}})\s*$")


def number_candidates(query: str, prefixes: set[str]) -> list[str]:
    """«INC0000123», «inc123» and «123» name the same ticket; a bare number tries every prefix."""
    match = _NUMBER.match(query)
    if not match:
        return []
    prefix, value = match.group(1).upper(), int(match.group(2))
    wanted = [prefix] if prefix else sorted(prefixes)
    return [format_number(p, value) for p in wanted]


def lookup_tickets(scope: QuerySet[Ticket], query: str, limit: int = 20) -> list[Ticket]:
    """Tickets in `scope` whose number, or whose requester's e-mail, phone or login, is `query`."""
    query = (query or "").strip()
    if not query:
        return []
    prefixes = set(Service.objects.values_list("number_prefix", flat=True))
    numbers = number_candidates(query, prefixes)
    condition = Q(number__in=numbers) if numbers else Q(pk__in=[])
    if "@" in query:
        condition |= Q(requester__email__iexact=normalise_email(query))
    phone = normalise_phone(query)
    if len(phone) >= 10:
        condition |= Q(requester__phone__in={phone, query, to_e164(query)})
    if re.fullmatch(r"[\w.@+\-]{2,150}", query):
        condition |= Q(requester__login=query)
    return list(scope.filter(condition).select_related("service", "requester")
                .order_by("-id")[:limit])
