"""Who else has a ticket open: each ticket page reports in every few seconds (HTMX polling)."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from edudesk.desk.forms import NAME_FIELDS
from edudesk.desk.models import TicketPresence

# A page reports every HEARTBEAT; a mark older than FRESH means the agent has left.
HEARTBEAT_SECONDS = 15
FRESH = timedelta(seconds=HEARTBEAT_SECONDS * 3)
# A mark this young with the same activity is not written again (a reload, a page shown again
# after an action): it is at most 2 × REWRITE_AFTER old when others read it, well within FRESH.
REWRITE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS)


def _written_key(ticket, user) -> str:
    return f"desk:presence:{ticket.pk}:{user.pk}"


def mark(ticket, user, activity: str, now: datetime | None = None) -> None:
    """One statement: insert the mark, or refresh it when the agent already has one; nothing
    when this agent's mark with this activity was written less than REWRITE_AFTER ago."""
    now = now or timezone.now()
    key = _written_key(ticket, user)
    written = cache.get(key)
    if written is not None and written[0] == activity and timedelta(0) <= now - written[1] < REWRITE_AFTER:
        return
    TicketPresence.objects.bulk_create(
        [TicketPresence(ticket=ticket, user=user, activity=activity, seen_at=now)],
        update_conflicts=True, unique_fields=["ticket", "user"], update_fields=["activity", "seen_at"])
    cache.set(key, (activity, now), int(REWRITE_AFTER.total_seconds()))


def leave(ticket, user) -> None:
    cache.delete(_written_key(ticket, user))
    TicketPresence.objects.filter(ticket=ticket, user=user).delete()


def others(ticket, user, now: datetime | None = None) -> list[TicketPresence]:
    """Other agents seen on this ticket recently, those typing a reply first."""
    now = now or timezone.now()
    marks = (TicketPresence.objects.filter(ticket=ticket, seen_at__gte=now - FRESH)
             .exclude(user=user).select_related("user")
             .only("activity", *(f"user__{name}" for name in NAME_FIELDS))
             .order_by("-activity", "user__full_name"))
    return list(marks)
