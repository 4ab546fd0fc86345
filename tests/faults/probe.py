"""Helper run as a separate process by the fault tests, against their own database.

    python tests/faults/probe.py sweep          one outbox sweep and one stalled-mail sweep, now
    python tests/faults/probe.py state MARKER   what the tickets of MARKER have (JSON)

Configuration comes from the environment (DATABASE_URL, REDIS_URL), like every edudesk process.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")

import django

django.setup()

from django.db.models import Count, Q  # noqa: E402


def sweep() -> dict:
    """What the consumer's minute jobs do (tickets.tasks.effects_sweep, mail requeue)."""
    from edudesk.mail.outbound import requeue_stalled
    from edudesk.tickets.outbox import sweep as sweep_outbox

    return {"effects": sweep_outbox(), "mails": requeue_stalled()}


def state(marker: str) -> dict:
    from edudesk.api.models import IdempotentRequest
    from edudesk.mail.models import OutboundMail
    from edudesk.search.models import TicketDocument
    from edudesk.tickets.models import PendingEffect, Ticket

    tickets = Ticket.objects.filter(subject__contains=marker)
    acks = dict(tickets.annotate(n=Count("outbound_mails", filter=Q(
        outbound_mails__template="registered"))).values_list("number", "n"))
    sent = dict(tickets.annotate(n=Count("outbound_mails", filter=Q(
        outbound_mails__template="registered", outbound_mails__state=OutboundMail.State.SENT)))
        .values_list("number", "n"))
    return {
        "tickets": tickets.count(),
        "subjects": sorted(tickets.values_list("subject", flat=True)),
        "acks": acks,
        "sent": sent,
        "documents": TicketDocument.objects.filter(ticket__in=tickets).count(),
        "pending_effects": PendingEffect.objects.filter(event__ticket__in=tickets).count(),
        "failed_effects": PendingEffect.objects.filter(failed=True).count(),
        "mails_in_flight": OutboundMail.objects.filter(
            ticket__in=tickets, state=OutboundMail.State.QUEUED, sending_until__isnull=False).count(),
        "idempotency_keys": IdempotentRequest.objects.count(),
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps({"sweep": sweep, "state": state}[command](*args), ensure_ascii=False))
