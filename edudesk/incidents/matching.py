"""Which active mass incident a new request reads like.

The scoring is the intake's one similarity (``intake.similarity``, with the service's term
weights): an incident is compared by its title, its public text and the words of the first
requests it was declared from (users describe an outage in their own words, not in the
agent's). A request is linked automatically only on ``confident_match`` (one incident clearly
beats the others); what ``rank_similar`` lists but not confidently is a suggestion for the
agent. An incident that names its regions or organisations takes requests from them only.
The requester's earlier tickets are the ``history`` (``intake.writer_history``, as for repeats):
what they write in every letter (a signature that names the product, the school) then weighs
nothing, and cannot link an unrelated request to an outage that shares those words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edudesk.incidents.models import Incident
from edudesk.intake import term_weights
from edudesk.intake.similarity import confident_match, rank_similar
from edudesk.tickets import selectors

# The first requests of an incident whose words stand for it.
SAMPLE_CHILDREN = 3


@dataclass(frozen=True)
class IncidentMatch:
    incident: Incident
    score: float
    confident: bool


def incident_text(incident: Incident, samples: list[str]) -> str:
    return "\n".join([incident.title, incident.public_text, *samples])


def candidates_for(service_id: int, *, organisation=None, region: str = "") -> list[Incident]:
    """Active incidents of the service whose scope includes this organisation and region."""
    incidents = list(Incident.objects.filter(service_id=service_id, state=Incident.State.ACTIVE)
                     .prefetch_related("organisations").order_by("-started_at"))
    region = region.strip().casefold()
    in_scope = []
    for incident in incidents:
        organisations = {o.pk for o in incident.organisations.all()}
        if organisations and organisation is not None and organisation.pk not in organisations:
            continue
        regions = {r.strip().casefold() for r in incident.regions if r.strip()}
        if regions and region and region not in regions:
            continue
        in_scope.append(incident)
    return in_scope


def _samples(incidents: list[Incident]) -> dict[int, list[str]]:
    from edudesk.incidents.models import IncidentChild

    samples: dict[int, list[str]] = {incident.pk: [] for incident in incidents}
    children = (IncidentChild.objects.filter(incident__in=incidents)
                .annotate(text=selectors.description("ticket"))
                .order_by("incident_id", "id").values_list("incident_id", "text"))
    for incident_id, description in children:
        if len(samples[incident_id]) < SAMPLE_CHILDREN:
            samples[incident_id].append(description)
    return samples


def best_match(text: str, incidents: list[Incident], *,
               history: Sequence[str] = ()) -> IncidentMatch | None:
    """The incident ``text`` reads like, and whether it is confident enough to link it.
    ``history``: the requester's earlier texts (``intake.writer_history.earlier_texts``)."""
    if not incidents or not text.strip():
        return None
    samples = _samples(incidents)
    by_pk = {incident.pk: incident for incident in incidents}
    candidates = [(i.pk, incident_text(i, samples[i.pk])) for i in incidents]
    weights = term_weights.for_service(incidents[0].service_id)
    confident = confident_match(text, candidates, weights=weights, history=history)
    if confident is not None:
        return IncidentMatch(by_pk[confident.key], confident.score, confident=True)
    listed = rank_similar(text, candidates, limit=1, weights=weights, history=history)
    if listed:
        return IncidentMatch(by_pk[listed[0].key], listed[0].score, confident=False)
    return None
