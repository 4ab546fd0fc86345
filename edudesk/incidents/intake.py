"""The intake's step for mass incidents: a new request on any channel is checked against the
service's active incidents (``intake.pipeline.register`` calls ``known_problem`` before it opens
the ticket and ``attach`` after).

* The requester chose «У меня та же проблема» (web form, widget): linked to that incident.
* The text clearly reads like one active incident: linked automatically, and the requester
  is told at once, on their channel, that it is a known problem (the receipt page, the
  registration mail, the API's ``known_problem``).
* A weaker likeness: the agent is shown the incident on the ticket, to link in one click.
"""

from __future__ import annotations

from edudesk.incidents import matching, services
from edudesk.incidents.models import Incident, IncidentChild
from edudesk.intake import writer_history
from edudesk.tickets.models import Ticket
from edudesk.tickets.types import Actor


def known_problem(submission, requester) -> matching.IncidentMatch | None:
    """The active incident this new request belongs to (or may belong to)."""
    if submission.incident_id:
        chosen = Incident.objects.filter(pk=submission.incident_id, service=submission.service,
                                         state=Incident.State.ACTIVE).first()
        if chosen is not None:
            return matching.IncidentMatch(chosen, 1.0, confident=True)
    organisation = requester.organisation
    region = (submission.fields.get("region") or submission.requester.region
              or (organisation.region if organisation is not None else ""))
    incidents = matching.candidates_for(submission.service.pk, organisation=organisation,
                                        region=str(region))
    if not incidents:
        return None
    return matching.best_match(
        f"{submission.subject}\n{submission.description}", incidents,
        history=writer_history.earlier_texts(requester.pk, submission.service.pk))


def event_data(match: matching.IncidentMatch | None) -> dict:
    """What the new ticket's CREATED event says of the incident it is linked to."""
    if match is None or not match.confident:
        return {}
    return {"incident": services.incident_data(match.incident)}


def attach(ticket: Ticket, match: matching.IncidentMatch | None, *,
           chosen: bool) -> IncidentChild | None:
    """Link the new ticket (a confident match) or suggest it to the agent; the link made."""
    if match is None:
        return None
    if not match.confident:
        services.suggest(match.incident, ticket, match.score)
        return None
    how = IncidentChild.How.CUSTOMER if chosen else IncidentChild.How.AUTOMATIC
    return services.link(match.incident, ticket, actor=Actor.system(), how=how,
                         score=None if chosen else match.score, at_intake=True)


def remember(ticket: Ticket, child: IncidentChild | None) -> None:
    """Keep on the ticket instance what the intake knows of its incident, so the channel's
    answer (the API's ``known_problem``) does not read it again."""
    Ticket.incident_link.related.set_cached_value(ticket, child)
