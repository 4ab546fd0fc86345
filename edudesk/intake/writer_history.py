"""What a requester writes in every letter, shown to duplicate detection by their earlier tickets.

A teacher's letters share a frame — greeting, school, class, signature — that no rule strips
whole. Compared with their own open tickets alone, a new letter about another fault still
reads alike. Their earlier tickets (closed, or otherwise not among the candidates) carry the
same frame: counted in the compared set's document frequencies, they make it weigh nothing
(``similarity.rank_similar(..., history=…)``).
"""

from __future__ import annotations

from collections.abc import Iterable

from edudesk.tickets.models import Ticket
from edudesk.tickets.selectors import with_description

EARLIER_TICKETS = 10


def earlier_texts(contact_id: int, service_id: int, exclude: Iterable[int] = ()) -> list[str]:
    """The subject and description of the requester's latest other tickets in the service."""
    rows = (with_description(Ticket.objects.filter(requester_id=contact_id, service_id=service_id))
            .exclude(pk__in=list(exclude)).order_by("-id")
            .values_list("subject", "description")[:EARLIER_TICKETS])
    return [f"{subject}\n{description}" for subject, description in rows]
