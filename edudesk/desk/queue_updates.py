"""What keeps a queue page current cheaply: its version tag, and the agent's layout preference.

The tag names everything the list and the counts depend on: the agent, the page asked for, the
language, the layout and the latest ticket event. Every change to any ticket writes an event
(edudesk/tickets/events.py), the SLA sweep's warnings and breaches included, so an unchanged
tag means an unchanged page and the poll answers 304 without reading a ticket.
"""

import hashlib

from django.db.models import Max
from django.utils.translation import get_language

from edudesk.desk.models import QueuePreference
from edudesk.tickets.models import Event


def latest_event_id() -> int:
    """The newest event's id: the end of the primary key's index on either database."""
    return Event.objects.aggregate(latest=Max("id"))["latest"] or 0


def queue_etag(user, page_query: str, dense: bool) -> str:
    """Read before the page's own queries: a change in between then shows at the next poll."""
    parts = [str(user.pk), get_language() or "", "dense" if dense else "normal", page_query,
             str(latest_event_id())]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()
    return f'"q-{digest}"'


_SESSION_KEY = "desk_queue_dense"


def prefers_dense(request) -> bool:
    """The agent's choice, read once per session (kept with the agent for the next one)."""
    if _SESSION_KEY not in request.session:
        request.session[_SESSION_KEY] = QueuePreference.objects.filter(user=request.user, dense=True).exists()
    return request.session[_SESSION_KEY]


def set_dense(request, dense: bool) -> None:
    QueuePreference.objects.update_or_create(user=request.user, defaults={"dense": dense})
    request.session[_SESSION_KEY] = dense
