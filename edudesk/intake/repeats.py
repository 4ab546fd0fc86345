"""A repeat of an open request: the same requester writing the same problem again.

Seed 1: «Если на инцидент долго нет ответа, не пытайтесь создать новый инцидент с
идентичной проблемой». What each channel does with a new request whose text reads like one
of the same requester's open tickets (``intake.similarity``):

* the web form and the widget ask: the review step offers to add it (``intake.services``);
* a letter and a customer's API call are added to that ticket as a follow-up (its
  MESSAGE_ADDED event carries ``data["repeat"] = True``, and the sender is told «Ваше
  сообщение добавлено к обращению INC…»); an API client that means a new ticket says so
  with ``"repeat": "new"``;
* an agent registering a request (API, consultation) decides themselves: nothing is added;
* in the desk an agent splits a repeat that was in fact a new problem out in one click.

The same requester means the same contact as the channel identifies it (``intake.requester``);
an organisation's other open tickets are never joined.
"""

from __future__ import annotations

from edudesk.intake import requester as requesters
from edudesk.intake import term_weights, writer_history
from edudesk.intake.similarity import confident_match
from edudesk.intake.submission import Submission
from edudesk.tickets.models import Channel, Ticket
from edudesk.tickets.selectors import with_description
from edudesk.tickets.status import OPEN_STATUSES, ActorKind

# Channels that add a repeat by themselves (the web form and the widget ask instead).
ADDING_CHANNELS = frozenset({Channel.EMAIL, Channel.API})
# The submission's meta key by which a channel asks for a new ticket whatever it repeats.
FORCE_NEW = "force_new_ticket"
CANDIDATES = 50


def repeated_ticket(submission: Submission) -> Ticket | None:
    """The requester's open ticket this new submission repeats, when the channel adds repeats."""
    if submission.ticket is not None or submission.consultation is not None:
        return None
    if submission.channel not in ADDING_CHANNELS or submission.meta.get(FORCE_NEW):
        return None
    if submission.actor is not None and submission.actor.kind != ActorKind.CUSTOMER:
        return None
    contact = requesters.known(submission.service, submission.requester, submission.found_contacts)
    if contact is None:
        return None
    candidates = list(
        with_description(Ticket.objects.filter(requester=contact, service=submission.service,
                                               status__in=OPEN_STATUSES, merged_into__isnull=True))
        .select_related("service").order_by("-id")[:CANDIDATES])
    text = f"{submission.subject}\n{submission.description}"
    # Added without asking anybody: only a match that clearly beats the requester's other
    # open tickets.
    match = confident_match(
        text, [(t.pk, f"{t.subject}\n{t.description}") for t in candidates],
        weights=term_weights.for_service(submission.service.pk),
        history=writer_history.earlier_texts(contact.pk, submission.service.pk,
                                             exclude=[t.pk for t in candidates]))
    if match is None:
        return None
    return next(t for t in candidates if t.pk == match.key)
