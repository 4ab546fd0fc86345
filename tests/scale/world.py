"""Helper run as a separate process by the scale test, against the scale database.

    python tests/scale/world.py setup                 -> {"agent_token": ...}
    python tests/scale/world.py ingest DIR            ingest every .eml of DIR through mail.ingest
    python tests/scale/world.py sweep                 one SLA sweep a month ahead (run several at once)
    python tests/scale/world.py drain [MARKER]        wait until the job queue is empty (and tickets indexed)
    python tests/scale/world.py report MARKER         counts that reveal lost or doubled work (JSON)

Configuration comes from the environment (DATABASE_URL, REDIS_URL), like every edudesk process.
"""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402


def setup() -> dict:
    from edudesk.testing import factories

    eschool = factories.service("eschool")
    supervisor = factories.agent(eschool, username="scale-supervisor", kind="supervisor",
                                 full_name="Волкова Елена")
    group = eschool.groups.get(is_default=True)
    group.supervisor = supervisor
    group.save(update_fields=["supervisor"])
    return {"agent_token": factories.token_for(supervisor)}


def ingest(directory: str) -> dict:
    from edudesk.accounts.models import Service
    from edudesk.mail.ingest import ingest as ingest_mail

    service = Service.objects.get(code="eschool")
    outcomes = [ingest_mail(path.read_bytes(), service=service, source="lmtp")
                for path in sorted(Path(directory).glob("*.eml"))]
    duplicates = sum(o.duplicate for o in outcomes)
    return {"stored": len(outcomes) - duplicates, "duplicates": duplicates}


def drain(marker: str = "", timeout: float = 180) -> dict:
    """Wait until the job queue is empty and, given a marker, every such ticket is indexed.

    An empty queue can still have a job running on a consumer: the last search documents are
    the visible sign that the jobs queued by the ticket creations have all been done.
    """
    from huey.contrib.djhuey import HUEY

    from edudesk.search.models import TicketDocument
    from edudesk.tickets.models import Ticket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        indexed = not marker or (
            TicketDocument.objects.filter(ticket__subject__contains=marker).count()
            == Ticket.objects.filter(subject__contains=marker).count())
        if not HUEY.pending_count() and indexed:
            break
        time.sleep(0.5)
    return {"pending": HUEY.pending_count()}


def sweep() -> dict:
    """One SLA sweep a month ahead, as a consumer runs it (the test starts several at once)."""
    from edudesk.sla.escalation import sweep as run_sweep

    result = run_sweep(timezone.now() + timedelta(days=30))
    return {"warned": result.warned, "escalated": result.escalated}


def report(marker: str) -> dict:
    from edudesk.mail.models import InboundMail, OutboundMail
    from edudesk.search.models import TicketDocument
    from edudesk.sla.models import Notification, SlaClock
    from edudesk.tickets.models import Event, Ticket

    tickets = Ticket.objects.filter(subject__contains=marker)
    ids = list(tickets.values_list("id", flat=True))
    numbers = list(tickets.values_list("number", flat=True))
    created = (Event.objects.filter(ticket_id__in=ids, kind="created").values("ticket_id")
               .annotate(n=Count("id")))
    breach_events = (Event.objects.filter(kind="sla_breached").values("ticket_id", "data__clock")
                     .annotate(n=Count("id")))
    notices = Notification.objects.values("recipient_id", "clock_id", "kind").annotate(n=Count("id"))
    outbound = OutboundMail.objects.exclude(event=None).values("event_id").annotate(n=Count("id"))
    return {
        "tickets": len(ids),
        "numbers": len(numbers),
        "distinct_numbers": len(set(numbers)),
        "created_events_per_ticket": sorted({row["n"] for row in created}),
        "tickets_with_created_event": len(created),
        "search_documents": TicketDocument.objects.filter(ticket_id__in=ids).count(),
        "clocks_escalated": SlaClock.objects.filter(escalated_at__isnull=False).count(),
        "breach_events": len(breach_events),
        "most_breach_events_per_clock": max((row["n"] for row in breach_events), default=0),
        "most_notifications_per_clock": max((row["n"] for row in notices), default=0),
        "notifications": Notification.objects.count(),
        "most_mails_per_event": max((row["n"] for row in outbound), default=0),
        "inbound_mails": InboundMail.objects.filter(subject__contains=marker).count(),
        "tickets_from_mail": Ticket.objects.filter(subject__contains=marker, channel="email").count(),
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    handlers = {"setup": setup, "ingest": ingest, "drain": drain, "sweep": sweep, "report": report}
    print(json.dumps(handlers[command](*args)))
