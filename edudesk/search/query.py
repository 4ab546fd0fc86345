"""What a search box query can mean: a ticket number, an identity, words — often several at once.

Parsing is pure: it needs no database, and each search backend turns the parsed query into
its own SQL.
"""

import re
from dataclasses import dataclass, field

from edudesk.accounts.services import normalise_phone
from edudesk.search import lemmas
from edudesk.tickets.numbering import DIGITS

# «INC0000123», «inc123», «№ 0000123», «#123»: an optional letter prefix and digits.
NUMBER = re.compile(r"^[№#\s]*([a-zа-я]{0,10})\s*-?\s*(\d{1,12})$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[\d\s()\-.]+$")
MIN_PHONE_DIGITS = 5
# Logins and e-mails are Latin, digits and a few signs; a lone Russian word is not one.
LOGIN_LIKE = re.compile(r"[a-z0-9@._\-]", re.IGNORECASE)
COMPLETE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
# Trigram indexes need three characters to narrow anything down.
MIN_SUBSTRING = 3
LONGEST_NUMBER_DIGITS = DIGITS + 2
# A search box query, not a document: longer input is cut (it would only cost time).
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class TextQuery:
    """Words of the query as groups of alternative terms: every group must match, any term of
    a group may. A term ending in «*» is a prefix: the last word while the agent still types."""

    groups: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    # A letter prefix the agent typed («INC»), upper case, and the number's value.
    number_prefix: str = ""
    number_value: int | None = None
    # Digits to look for inside ticket numbers («00012» while typing a number).
    number_fragment: str = ""
    # Folded identity tokens: an e-mail, a login, a phone's digits (with the 7 prefix).
    identities: tuple[str, ...] = ()
    text: TextQuery = field(default_factory=TextQuery)

    @property
    def is_identifier(self) -> bool:
        """A number, an e-mail, a login or a phone: words this rare are best found through the
        index directly."""
        return self.number_value is not None or bool(self.identities)

    @property
    def identity_fragments(self) -> tuple[str, ...]:
        """Identities to look for inside longer ones. A complete e-mail address names one
        mailbox: addresses that merely contain it are noise, so it is matched whole only."""
        return tuple(t for t in self.identities if not COMPLETE_EMAIL.match(t))

    def number_candidates(self, prefixes) -> list[str]:
        """Full ticket numbers this query names, for the given services' prefixes."""
        if self.number_value is None:
            return []
        value = f"{self.number_value:0{DIGITS}d}"
        if self.number_prefix:
            return [self.number_prefix + value]
        return sorted({prefix.upper() + value for prefix in prefixes})


def parse(raw: str, *, prefix_min_length: int = 4) -> ParsedQuery:
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        # Cut at the last space, so that no half word is taken for one being typed.
        raw = raw[:MAX_QUERY_LENGTH]
        raw = raw[: raw.rfind(" ") + 1] or raw
    query = " ".join(raw.split())
    if not query:
        return ParsedQuery(raw="")
    number_prefix, number_value, fragment = _number(query)
    return ParsedQuery(
        raw=query,
        number_prefix=number_prefix,
        number_value=number_value,
        number_fragment=fragment,
        identities=_identities(query),
        text=_text(query, finished=raw[-1].isspace(), prefix_min_length=prefix_min_length),
    )


def _number(query: str) -> tuple[str, int | None, str]:
    match = NUMBER.match(query)
    if not match:
        return "", None, ""
    prefix, digits = match.group(1).upper(), match.group(2)
    if len(digits) > LONGEST_NUMBER_DIGITS:
        return "", None, ""
    fragment = digits if len(digits) >= MIN_SUBSTRING else ""
    return prefix, int(digits), fragment


def _identities(query: str) -> tuple[str, ...]:
    """Identity tokens the query could be: whole e-mails, logins and phones, folded."""
    found: list[str] = []
    if PHONE.match(query):
        digits = normalise_phone(query)
        if len(digits) >= MIN_PHONE_DIGITS:
            found.append(digits)
            if len(digits) == 10:
                # A mobile number typed without the country code.
                found.append("7" + digits)
    elif " " not in query and len(query) >= MIN_SUBSTRING and LOGIN_LIKE.search(query):
        found.append(query.lower())
    return tuple(found)


def _text(query: str, *, finished: bool, prefix_min_length: int) -> TextQuery:
    typed = lemmas.words(query)
    groups: list[tuple[str, ...]] = []
    for position, word in enumerate(typed):
        group = lemmas.readings(word)
        if not group:
            continue
        unfinished = position == len(typed) - 1 and not finished
        if unfinished and len(word) >= prefix_min_length and not word.isdigit():
            group = (*group, word + "*")
        if group not in groups:
            groups.append(group)
    return TextQuery(groups=tuple(groups))


def identity_tokens(*, emails=(), logins=(), phones=()) -> list[str]:
    """The folded tokens stored for a ticket's identities, in the form `_identities` produces."""
    tokens: list[str] = []
    for value in [*emails, *logins]:
        for token in (value or "").lower().split():
            if token not in tokens:
                tokens.append(token)
    for value in phones:
        digits = normalise_phone(value or "")
        if digits and digits not in tokens:
            tokens.append(digits)
    return tokens
