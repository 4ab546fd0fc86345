"""Each service's term weights for duplicate detection, counted over its latest tickets.

What every request of a service says («электронный журнал», «как это сделать», the LMS's
name) should not make two requests look alike; how many of the service's tickets use a term
says how common it is there (``text_features.TermWeights``). Counting is cheap but not free
(the features of up to ``SAMPLE`` tickets, about a second the first time in a process), so
each process keeps a service's weights for ``LIFETIME``: new tickets shift document
frequencies slowly, and an hour-old count weighs them just as well.
"""

from __future__ import annotations

import threading
import time

from edudesk.intake.text_features import TermWeights
from edudesk.tickets.models import Ticket
from edudesk.tickets.selectors import with_description

SAMPLE = 1000
LIFETIME = 3600.0

_weights: dict[int, tuple[float, TermWeights]] = {}
_lock = threading.Lock()


def for_service(service_id: int, *, now: float | None = None) -> TermWeights:
    """The service's term weights, counted at most ``LIFETIME`` seconds ago."""
    now = time.monotonic() if now is None else now
    with _lock:
        kept = _weights.get(service_id)
    if kept is not None and now - kept[0] < LIFETIME:
        return kept[1]
    rows = (with_description(Ticket.objects.filter(service_id=service_id)).order_by("-id")
            .values_list("subject", "description")[:SAMPLE])
    weights = TermWeights.from_texts(f"{subject}\n{description}" for subject, description in rows)
    with _lock:
        _weights[service_id] = (now, weights)
    return weights


def forget_term_weights() -> None:
    with _lock:
        _weights.clear()
