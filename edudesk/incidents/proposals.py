"""The desk proposes a mass incident: several similar requests from different organisations
within a short window (thresholds per service: ``IncidentPolicy``).

Run by a periodic job (``incidents.tasks``). Steps for one service:

1. the open requests of the window that no incident covers and no proposal has named yet
   (the newest ``CANDIDATES``);
2. grouped greedily, oldest first: a request and every later one that reads like it (the
   intake's one similarity, ``intake.similarity.similarity`` with the service's term weights,
   at the score it trusts for a lone pair);
3. a group with enough requests from enough organisations becomes an ``IncidentProposal``,
   shown in the desk's incident list with «Объявить инцидент» (the tickets pre-filled).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from edudesk.accounts.models import Service
from edudesk.incidents.models import IncidentProposal
from edudesk.incidents.services import policy_for
from edudesk.intake import term_weights
from edudesk.intake.similarity import LONE_CANDIDATE_THRESHOLD, similarity
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import OPEN_STATUSES

CANDIDATES = 200


def _text(ticket: Ticket) -> str:
    return f"{ticket.subject}\n{ticket.description}"


def _groups(tickets: list[Ticket], weights) -> list[list[Ticket]]:
    grouped: set[int] = set()
    groups = []
    for index, ticket in enumerate(tickets):
        if ticket.pk in grouped:
            continue
        text = _text(ticket)
        group = [ticket, *[t for t in tickets[index + 1:] if t.pk not in grouped and
                           similarity(text, _text(t), weights=weights) >= LONE_CANDIDATE_THRESHOLD]]
        grouped.update(t.pk for t in group)
        groups.append(group)
    return groups


def propose(service: Service, now: datetime | None = None) -> list[IncidentProposal]:
    """New proposals for the service; returns those made."""
    now = now or timezone.now()
    policy = policy_for(service)
    since = now - timedelta(minutes=policy.propose_window_minutes)
    recent = list(Ticket.objects.filter(
        service=service, status__in=OPEN_STATUSES, created_at__gte=since, created_at__lte=now,
        incident_link__isnull=True, incident_proposals__isnull=True, merged_into__isnull=True,
    ).order_by("-created_at", "-id")[:CANDIDATES])
    recent.reverse()
    made = []
    for group in _groups(recent, term_weights.for_service(service.pk)):
        organisations = {t.organisation_id for t in group if t.organisation_id}
        if len(group) < policy.propose_min_tickets or len(organisations) < policy.propose_min_organisations:
            continue
        with transaction.atomic():
            proposal = IncidentProposal.objects.create(
                service=service, organisations=len(organisations), sample=group[0].subject[:300],
                created_at=now)
            proposal.tickets.set(group)
        made.append(proposal)
    return made
