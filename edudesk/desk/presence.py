"""Who else has a ticket open: each ticket page reports in every few seconds (HTMX polling)."""

from datetime import datetime, timedelta

from django.utils import timezone

from edudesk.desk.forms import NAME_FIELDS
from edudesk.desk.models import TicketPresence

# A page reports every HEARTBEAT; a mark older than FRESH means the agent has left.
HEARTBEAT_SECONDS = 15
FRESH = timedelta(seconds=HEARTBEAT_SECONDS * 3)


def mark(ticket, user, activity: str, now: datetime | None = None) -> None:
    """One statement: insert the mark, or refresh it when the agent already has one."""
    now = now or timezone.now()
    TicketPresence.objects.bulk_create(
        [TicketPresence(ticket=ticket, user=user, activity=activity, seen_at=now)],
        update_conflicts=True, unique_fields=["ticket", "user"], update_fields=["activity", "seen_at"])


def leave(ticket, user) -> None:
    TicketPresence.objects.filter(ticket=ticket, user=user).delete()


def others(ticket, user, now: datetime | None = None) -> list[TicketPresence]:
    """Other agents seen on this ticket recently, those typing a reply first."""
    now = now or timezone.now()
    marks = (TicketPresence.objects.filter(ticket=ticket, seen_at__gte=now - FRESH)
             .exclude(user=user).select_related("user")
             .only("activity", *(f"user__{name}" for name in NAME_FIELDS))
             .order_by("-activity", "user__full_name"))
    return list(marks)
