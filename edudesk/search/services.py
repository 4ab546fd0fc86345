"""Search for the agent workspace: tickets by number, identity or words, and callers.

`search_tickets` ranks in tiers: a ticket whose number the query names; tickets of the
person the query names (whole e-mail, login or phone); tickets whose number or identities
contain the query; then tickets whose subject or conversation has the query's words (by
rank). Within a tier the newest come first. Only tickets the agent may see are returned.
"""

from enum import StrEnum

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Lower, Replace

from edudesk.accounts.models import Contact, Service
from edudesk.accounts.services import normalise_phone
from edudesk.search import lemmas
from edudesk.search.backends import get_backend
from edudesk.search.models import TicketIdentity
from edudesk.search.query import MIN_PHONE_DIGITS, MIN_SUBSTRING, PHONE, parse
from edudesk.tickets.models import Ticket
from edudesk.tickets.selectors import visible_to_user

MAX_LIMIT = 200


class Match(StrEnum):
    """Why a ticket was found; set on each result as `ticket.search_match`."""

    NUMBER = "number"
    IDENTITY = "identity"
    PARTIAL = "partial"
    TEXT = "text"


class _Ranking:
    """Ticket ids in the order found, without repeats, up to a limit, with why each was found."""

    def __init__(self, limit: int):
        self.limit = limit
        self.ids: list[int] = []
        self.reasons: dict[int, Match] = {}

    @property
    def full(self) -> bool:
        return len(self.ids) >= self.limit

    def extend(self, ids, reason: Match) -> None:
        for ticket_id in ids:
            if self.full:
                return
            if ticket_id not in self.reasons:
                self.reasons[ticket_id] = reason
                self.ids.append(ticket_id)


def search_tickets(user, query: str, limit: int = 50) -> list[Ticket]:
    """The tickets an agent finds with one search box, best first (see the module's docstring)."""
    parsed = parse(query)
    limit = max(1, min(limit, MAX_LIMIT))
    service_ids = sorted(user.served_service_ids()) if parsed.raw else []
    if not service_ids:
        return []
    visible = visible_to_user(user)
    backend = get_backend()
    ranking = _Ranking(limit)
    if parsed.number_value is not None:
        prefixes = Service.objects.filter(pk__in=service_ids).values_list("number_prefix", flat=True)
        numbers = parsed.number_candidates(set(prefixes))
        ranking.extend(visible.filter(number__in=numbers).order_by("-id").values_list("id", flat=True),
                       Match.NUMBER)
    steps = []
    if not ranking.ids:
        # A query that named a ticket's number is not also a login or part of one; tickets
        # that mention the number still follow as text matches.
        steps += [
            (Match.IDENTITY, lambda: _whole_identity_matches(parsed.identities, service_ids, limit)),
            (Match.PARTIAL, lambda: backend.number_matches(parsed.number_fragment, service_ids,
                                                           limit)),
            (Match.PARTIAL, lambda: backend.identity_matches(parsed.identity_fragments, service_ids,
                                                             limit)),
        ]
    steps.append((Match.TEXT, lambda: backend.text_matches(parsed.text, service_ids, limit,
                                                           rare=parsed.is_identifier)))
    for reason, step in steps:
        if ranking.full:
            break
        ranking.extend(step(), reason)
    if not ranking.ids:
        return []
    tickets = visible.filter(pk__in=ranking.ids).select_related("service", "requester", "assignee")
    by_id = {ticket.pk: ticket for ticket in tickets}
    found = [by_id[ticket_id] for ticket_id in ranking.ids if ticket_id in by_id]
    for ticket in found:
        ticket.search_match = ranking.reasons[ticket.pk]
    return found


def _whole_identity_matches(tokens: tuple[str, ...], service_ids: list[int], limit: int) -> list[int]:
    if not tokens:
        return []
    return list(TicketIdentity.objects.filter(token__in=tokens, service_id__in=service_ids)
                .order_by("-ticket_id").values_list("ticket_id", flat=True)[:limit])


def search_contacts(user, query: str, limit: int = 20) -> list[Contact]:
    """Callers of the agent's services found by phone (any format), e-mail, login or the
    beginnings of the words of their name («Иван Мар»); whole matches first, then by name."""
    folded = " ".join((query or "").lower().split())
    service_ids = user.served_service_ids() if len(folded) >= 2 else set()
    if not service_ids:
        return []
    exact, partial = _contact_conditions(folded)
    contacts = (
        Contact.objects.filter(service_id__in=service_ids)
        .alias(email_l=Lower("email"), login_l=Lower("login"), name_e=NAME_WITHOUT_YO)
        .filter(exact | partial)
        .annotate(search_tier=Case(When(exact, then=Value(0)), default=Value(1),
                                   output_field=IntegerField()))
        .select_related("organisation", "service")
        .order_by("search_tier", "full_name", "id")
    )
    return list(contacts[: max(1, min(limit, MAX_LIMIT))])


# The name with «ё» written as «е», as most people type it.
NAME_WITHOUT_YO = Replace(Replace(F("full_name"), Value("ё"), Value("е")), Value("Ё"), Value("Е"))


def _contact_conditions(folded: str) -> tuple[Q, Q]:
    digits = normalise_phone(folded) if PHONE.match(folded) else ""
    if len(digits) >= MIN_PHONE_DIGITS:
        whole = [digits, "7" + digits] if len(digits) == 10 else [digits]
        whole += [f"+{number}" for number in whole]  # contacts keep E.164 (accounts.phones)
        partial = Q(phone__contains=digits)
        if digits.startswith("8"):
            # The beginning of a number typed the domestic way (8 912 …), stored as 7912….
            partial |= Q(phone__startswith="7" + digits[1:])
        return Q(phone__in=whole), partial
    words = lemmas.fold(folded).split()
    # Each typed word begins some word of the name («ё» read as «е»). Matched as typed,
    # capitalised and in capitals rather than through LOWER(), which SQLite applies to ASCII
    # letters only.
    name = Q()
    for word in words:
        begins = Q()
        for variant in {word, word.capitalize(), word.upper()}:
            begins |= Q(name_e__startswith=variant) | Q(name_e__contains=" " + variant)
        name &= begins
    if len(words) > 1:
        return Q(full_name__iexact=folded), name
    exact = Q(email_l=folded) | Q(login_l=folded)
    partial = name
    if len(folded) >= MIN_SUBSTRING:
        partial |= Q(email_l__contains=folded) | Q(login_l__contains=folded)
    return exact, partial
