"""The interface every search backend implements.

Each method returns ticket ids, restricted to the given services (the caller still applies
the visibility rules when it loads the tickets), at most `limit` of them.
"""

from abc import ABC, abstractmethod

from django.db import connections

from edudesk.search.query import TextQuery

# Text matches are ranked among at most this many of the newest matching tickets, so that a
# common word («ошибка») costs the same at a thousand tickets and at a million.
RANKED_CANDIDATES = 500


class SearchBackend(ABC):
    def __init__(self, alias: str):
        self.alias = alias

    def fetch_rows(self, sql: str, params) -> list[tuple]:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def fetch_ids(self, sql: str, params) -> list[int]:
        return [row[0] for row in self.fetch_rows(sql, params)]

    @abstractmethod
    def text_matches(self, text: TextQuery, service_ids: list[int], limit: int, *,
                     rare: bool = False) -> list[int]:
        """Tickets whose subject or conversation has every word group, best rank first,
        then newest first. `rare` tells that the words are identifiers (numbers, logins),
        which a backend may look up by index without first trying the newest tickets."""

    @abstractmethod
    def identity_matches(self, fragments: tuple[str, ...], service_ids: list[int],
                         limit: int) -> list[int]:
        """Tickets with an identity (e-mail, login, phone digits) containing one of these
        fragments, newest first. Whole identities are looked up by the caller in
        TicketIdentity's B-tree index."""

    @abstractmethod
    def number_matches(self, fragment: str, service_ids: list[int], limit: int) -> list[int]:
        """Tickets whose number contains these digits, newest first."""


def placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))
