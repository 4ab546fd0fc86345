"""The desk proposes a mass incident: several similar requests from different organisations
within a short window (thresholds per service: ``IncidentPolicy``).

Evaluated on arrival (``on_ticket_created``: after the commit of every new request, in the
job consumer, ``events.subscribe``), so the desk proposes as soon as the threshold is crossed,
and by a periodic job (``incidents.tasks``) that catches what arrival missed. A request that
reads like an open proposal joins it: one cluster, one proposal. Steps of the periodic job for
one service:

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
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from edudesk.accounts.models import Service
from edudesk.incidents.models import IncidentProposal
from edudesk.incidents.services import policy_for
from edudesk.intake import term_weights
from edudesk.intake.similarity import LONE_CANDIDATE_THRESHOLD, Profile, pair_score, profile
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import OPEN_STATUSES

CANDIDATES = 200


class Request(NamedTuple):
    """What a comparison and a proposal read of a request, as a plain row: building a whole
    ticket per candidate cost more than comparing it, at ``CANDIDATES`` per arrival."""

    pk: int
    subject: str
    description: str
    organisation_id: int | None


def _requests(tickets) -> list[Request]:
    return [Request(*row) for row in tickets.values_list("id", "subject", "description",
                                                          "organisation_id")]


def _text(ticket: Ticket | Request) -> str:
    return f"{ticket.subject}\n{ticket.description}"


class _Readings:
    """Each request read once per evaluation (``similarity.profile``), however many pairs it is
    in: arrival compares the new request with up to ``CANDIDATES``, the periodic job every pair."""

    def __init__(self, weights):
        self.weights = weights
        self.known: dict[int, Profile] = {}

    def of(self, ticket: Ticket | Request) -> Profile:
        if ticket.pk not in self.known:
            self.known[ticket.pk] = profile(_text(ticket), weights=self.weights)
        return self.known[ticket.pk]

    def alike(self, ticket: Ticket | Request, other: Ticket | Request) -> bool:
        """Alike at the score the intake trusts for a lone pair."""
        return pair_score(self.of(ticket), self.of(other)) >= LONE_CANDIDATE_THRESHOLD


def _groups(tickets: list[Request], readings: _Readings) -> list[list[Request]]:
    grouped: set[int] = set()
    groups = []
    for index, ticket in enumerate(tickets):
        if ticket.pk in grouped:
            continue
        group = [ticket, *[t for t in tickets[index + 1:] if t.pk not in grouped and
                           readings.alike(ticket, t)]]
        grouped.update(t.pk for t in group)
        groups.append(group)
    return groups


def _candidates(service: Service, policy, now: datetime):
    """The open requests of the window that no incident covers and no proposal names yet."""
    since = now - timedelta(minutes=policy.propose_window_minutes)
    return Ticket.objects.filter(
        service=service, status__in=OPEN_STATUSES, created_at__gte=since, created_at__lte=now,
        incident_link__isnull=True, incident_proposals__isnull=True, merged_into__isnull=True,
    ).order_by("-created_at", "-id")


def _open_proposal_like(ticket: Ticket | Request, service: Service,
                        readings: _Readings) -> IncidentProposal | None:
    """The open proposal whose first request reads like ``ticket``."""
    for proposal in (IncidentProposal.objects.filter(service=service, state=IncidentProposal.State.OPEN)
                     .order_by("-created_at", "-id")[:20]):
        first = _requests(proposal.tickets.order_by("id")[:1])
        if first and readings.alike(ticket, first[0]):
            return proposal
    return None


def _enough(group: list, policy) -> bool:
    organisations = {t.organisation_id for t in group if t.organisation_id}
    return (len(group) >= policy.propose_min_tickets
            and len(organisations) >= policy.propose_min_organisations)


def _create(service: Service, group: list, now: datetime) -> IncidentProposal:
    proposal = IncidentProposal.objects.create(
        service=service, organisations=len({t.organisation_id for t in group if t.organisation_id}),
        sample=group[0].subject[:300], created_at=now)
    proposal.tickets.set([t.pk for t in group])
    return proposal


def consider(ticket: Ticket, now: datetime | None = None) -> IncidentProposal | None:
    """A new request: it joins the open proposal it reads like, or, with the similar requests
    of the window, crosses the service's threshold and becomes one. Returns that proposal."""
    now = now or timezone.now()
    service = ticket.service
    policy = policy_for(service)
    readings = _Readings(term_weights.for_service(service.pk))
    with transaction.atomic():
        # One evaluation per service at a time: two arrivals never propose the same cluster twice.
        Service.objects.select_for_update().filter(pk=service.pk).first()
        if not _candidates(service, policy, now).filter(pk=ticket.pk).exists():
            return None  # linked, closed, already proposed, or out of the window meanwhile
        joined = _open_proposal_like(ticket, service, readings)
        if joined is not None:
            joined.tickets.add(ticket)
            return joined
        others = _requests(_candidates(service, policy, now).exclude(pk=ticket.pk)[:CANDIDATES])
        group = [*reversed([t for t in others if readings.alike(ticket, t)]), ticket]
        return _create(service, group, now) if _enough(group, policy) else None


def on_ticket_created(event) -> None:
    """After-commit subscriber (``events.subscribe``): evaluate the new request at once.
    Idempotent: a request already named by a proposal is not considered again."""
    consider(event.ticket)


def propose(service: Service, now: datetime | None = None) -> list[IncidentProposal]:
    """New proposals for the service; returns those made."""
    now = now or timezone.now()
    policy = policy_for(service)
    readings = _Readings(term_weights.for_service(service.pk))
    recent = _requests(_candidates(service, policy, now)[:CANDIDATES])
    recent.reverse()
    made = []
    for group in _groups(recent, readings):
        with transaction.atomic():
            joined = _open_proposal_like(group[0], service, readings)
            if joined is not None:
                joined.tickets.add(*[t.pk for t in group])
            elif _enough(group, policy):
                made.append(_create(service, group, now))
    return made
