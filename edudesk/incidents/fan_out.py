"""An incident's update or resolution reaching its children, in a background job.

The agent's request only records the ``IncidentUpdate`` (``services.post_update`` /
``services.resolve``) and queues ``fan_out_job`` after the commit; hundreds of children are
then told in batches. Steps of one run:

1. claim the update with a conditional UPDATE (a lease): two runs never work on it at once;
2. each batch, in one transaction: the next ``BATCH`` open children linked before the update
   that have no ``IncidentDelivery`` for it get the message (``tickets.services``: an agent's
   public message, or the closing text and «Вопрос решён»), each through its own channel and
   thread; their deliveries and the update's ``children_told`` commit with the messages;
3. no child left: the update is ``finished_at``.

A job that dies between batches loses nothing and repeats nothing: its committed batches are
delivered, the rest is taken up by the next run (``resume_due``, every minute, for a lease
that ran out).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from edudesk.incidents.models import IncidentDelivery, IncidentUpdate
from edudesk.tickets import services as tickets
from edudesk.tickets.errors import DomainError
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import OPEN_STATUSES
from edudesk.tickets.types import Actor

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)


def pending_children(update: IncidentUpdate):
    """The open children linked before the update that it has not reached yet."""
    return (Ticket.objects.filter(incident_link__incident_id=update.incident_id,
                                  incident_link__linked_at__lte=update.created_at,
                                  status__in=OPEN_STATUSES, merged_into__isnull=True)
            .exclude(pk__in=IncidentDelivery.objects.filter(update=update).values("ticket_id"))
            .order_by("id"))


def queue(update: IncidentUpdate) -> None:
    """Run the fan-out after the current transaction commits."""
    from edudesk.incidents.tasks import fan_out_job

    update_id = update.pk
    transaction.on_commit(lambda: fan_out_job(update_id), robust=True)


def _claim(update_id: int, now: datetime) -> bool:
    return bool(IncidentUpdate.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=update_id, finished_at__isnull=True,
    ).update(lease_until=now + LEASE))


def run(update_id: int, *, batch: int = BATCH) -> int:
    """Tell every child the update has not reached yet; returns how many were told now."""
    if not _claim(update_id, timezone.now()):
        return 0
    told = 0
    while True:
        done, count = _batch(update_id, batch)
        told += count
        if done:
            return told


@transaction.atomic
def _batch(update_id: int, size: int) -> tuple[bool, int]:
    """One batch in one transaction; (whether the update is finished, children told)."""
    now = timezone.now()
    # of=self: the author is a nullable join, which PostgreSQL will not lock
    update = (IncidentUpdate.objects.select_for_update(of=("self",)).select_related("author")
              .get(pk=update_id))
    children = list(pending_children(update)[:size])
    if not children:
        IncidentUpdate.objects.filter(pk=update_id).update(finished_at=now, lease_until=None)
        return True, 0
    actor = Actor.agent(update.author) if update.author_id else Actor.system()
    told = 0
    for ticket in children:
        try:
            _tell(update, ticket, actor)
        except DomainError as error:  # refused for this child alone: the others go on
            log.warning("incident update %s not posted to ticket %s: %s", update.pk, ticket.pk, error)
        else:
            told += 1
    IncidentDelivery.objects.bulk_create([IncidentDelivery(update=update, ticket=t) for t in children])
    update.children_told += told
    update.lease_until = now + LEASE
    update.save(update_fields=["children_told", "lease_until"])
    return False, told


def _tell(update: IncidentUpdate, ticket: Ticket, actor: Actor) -> None:
    if update.resolves:
        tickets.resolve_with_incident(ticket, actor=actor, body=update.body,
                                      incident_id=update.incident_id, now=update.created_at)
    else:
        tickets.add_message(ticket, actor=actor, body=update.body, now=update.created_at,
                            event_data={"incident": update.incident_id, "incident_update": update.pk})


def resume_due(now: datetime | None = None) -> list[int]:
    """The unfinished updates no run holds (a lost job): queued again; returns their ids."""
    now = now or timezone.now()
    ids = list(IncidentUpdate.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), finished_at__isnull=True,
        created_at__lte=now - timedelta(minutes=1)).values_list("pk", flat=True)[:50])
    from edudesk.incidents.tasks import fan_out_job

    for update_id in ids:
        fan_out_job(update_id)
    return ids
