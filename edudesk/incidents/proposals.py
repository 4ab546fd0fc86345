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
from edudesk.intake.similarity import (
    LONE_CANDIDATE_THRESHOLD,
    Profile,
    pair_score,
    pair_scores,
    profile,
)
from edudesk.tickets.models import Ticket
from edudesk.tickets.selectors import with_description
from edudesk.tickets.status import OPEN_STATUSES

CANDIDATES = 200
OPEN_PROPOSALS = 20  # the newest open proposals a request may join


class Request(NamedTuple):
    """What a comparison and a proposal read of a request, as a plain row: building a whole
    ticket per candidate cost more than comparing it, at ``CANDIDATES`` per arrival."""

    pk: int
    subject: str
    description: str
    organisation_id: int | None


def _requests(tickets) -> list[Request]:
    """``tickets``: a queryset of ``with_description``."""
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

    def alike_of(self, ticket: Ticket | Request, others: list) -> list:
        """The others ``alike`` the ticket, in their order (compared together)."""
        scores = pair_scores(self.of(ticket), [self.of(other) for other in others])
        return [other for other, score in zip(others, scores, strict=True)
                if score >= LONE_CANDIDATE_THRESHOLD]


def _groups(tickets: list[Request], readings: _Readings) -> list[list[Request]]:
    grouped: set[int] = set()
    groups = []
    for index, ticket in enumerate(tickets):
        if ticket.pk in grouped:
            continue
        group = [ticket, *readings.alike_of(ticket, [t for t in tickets[index + 1:]
                                                     if t.pk not in grouped])]
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
                     .order_by("-created_at", "-id")[:OPEN_PROPOSALS]):
        first = _requests(with_description(proposal.tickets.order_by("id"))[:1])
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
    return _consider_arrivals([ticket], now or timezone.now())[0]


def consider_many(tickets: list[Ticket], now: datetime | None = None) -> None:
    """Several new requests (one outbox job's burst), oldest first, as ``consider`` would one
    after the other; per service one lock, one policy and one read of the window and of the
    open proposals instead of one each per request."""
    now = now or timezone.now()
    by_service: dict[int, list[Ticket]] = {}
    for ticket in sorted(tickets, key=lambda t: t.pk):
        by_service.setdefault(ticket.service_id, []).append(ticket)
    for arrivals in by_service.values():
        _consider_arrivals(arrivals, now)


class _Window:
    """The service's candidates as the arrivals of one evaluation see them: the window's newest
    requests (read again only when a new proposal names some of them) and the open proposals
    with their first requests."""

    def __init__(self, service: Service, policy, now: datetime, arrivals: int):
        self.service, self.policy, self.now = service, policy, now
        # Arrivals that join a proposal leave the window: read that many more.
        self.size = CANDIDATES + arrivals
        self.named: set[int] = set()
        self.reread()
        self.proposals = [
            (proposal, first[0]) for proposal in
            IncidentProposal.objects.filter(service=service, state=IncidentProposal.State.OPEN)
            .order_by("-created_at", "-id")[:OPEN_PROPOSALS]
            if (first := _requests(with_description(proposal.tickets.order_by("id"))[:1]))]

    def reread(self) -> None:
        self.requests = _requests(with_description(_candidates(self.service, self.policy, self.now))
                                  [:self.size])
        self.pks = {request.pk for request in self.requests}

    def is_candidate(self, ticket: Ticket) -> bool:
        if ticket.pk in self.named:
            return False
        if ticket.pk in self.pks or len(self.requests) < self.size:
            return ticket.pk in self.pks
        # Newer requests pushed it out of what was read: ask (rare).
        return _candidates(self.service, self.policy, self.now).filter(pk=ticket.pk).exists()

    def others(self, ticket: Ticket) -> list[Request]:
        return [r for r in self.requests if r.pk != ticket.pk and r.pk not in self.named][:CANDIDATES]

    def proposal_like(self, ticket: Ticket, readings: _Readings) -> IncidentProposal | None:
        return next((proposal for proposal, first in self.proposals
                     if readings.alike(ticket, first)), None)


def _consider_arrivals(arrivals: list[Ticket], now: datetime) -> list[IncidentProposal | None]:
    """``consider`` for requests of one service, in order; what each joined or became."""
    service = arrivals[0].service
    policy = policy_for(service)
    readings = _Readings(term_weights.for_service(service.pk))
    outcomes: list[IncidentProposal | None] = []
    with transaction.atomic():
        # One evaluation per service at a time: two arrivals never propose the same cluster twice.
        Service.objects.select_for_update().filter(pk=service.pk).first()
        window = _Window(service, policy, now, len(arrivals))
        for ticket in arrivals:
            if not window.is_candidate(ticket):
                outcomes.append(None)  # linked, closed, already proposed, or out of the window
                continue
            joined = window.proposal_like(ticket, readings)
            if joined is not None:
                joined.tickets.add(ticket)
                window.named.add(ticket.pk)
                outcomes.append(joined)
                continue
            group = [*reversed(readings.alike_of(ticket, window.others(ticket))), ticket]
            if not _enough(group, policy):
                outcomes.append(None)
                continue
            proposal = _create(service, group, now)
            window.named.update(t.pk for t in group)
            window.proposals.insert(0, (proposal, Request(group[0].pk, group[0].subject,
                                                          group[0].description,
                                                          group[0].organisation_id)))
            window.reread()
            outcomes.append(proposal)
    return outcomes


def on_ticket_created(event) -> None:
    """After-commit subscriber (``events.subscribe``): evaluate the new request at once.
    Idempotent: a request already named by a proposal is not considered again."""
    consider(event.ticket)


def on_tickets_created(events) -> None:
    """The same for the new requests of one outbox job, together (``consider_many``)."""
    consider_many([event.ticket for event in events])


def propose(service: Service, now: datetime | None = None) -> list[IncidentProposal]:
    """New proposals for the service; returns those made."""
    now = now or timezone.now()
    policy = policy_for(service)
    readings = _Readings(term_weights.for_service(service.pk))
    recent = _requests(with_description(_candidates(service, policy, now))[:CANDIDATES])
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
