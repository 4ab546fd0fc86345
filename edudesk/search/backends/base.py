"""The interface every search backend implements.

Each method returns ticket ids, restricted to the given services (the caller still applies
the visibility rules when it loads the tickets), at most `limit` of them.
"""

from abc import ABC, abstractmethod

from django.db import connection

from edudesk.search.query import TextQuery

# Text matches are ranked among this many of the newest matching tickets, so that a common
# word («ошибка») costs the same at a thousand tickets and at a million.
RANKED_CANDIDATES = 500


class SearchBackend(ABC):
    @abstractmethod
    def text_matches(self, text: TextQuery, service_ids: list[int], limit: int) -> list[int]:
        """Tickets whose subject or conversation has every word group, best rank first,
        then newest first."""

    @abstractmethod
    def identity_matches(self, tokens: tuple[str, ...], service_ids: list[int], limit: int,
                         *, exact: bool) -> list[int]:
        """Tickets with one of these identities (whole tokens when `exact`, else contained
        in one), newest first."""

    @abstractmethod
    def number_matches(self, fragment: str, service_ids: list[int], limit: int) -> list[int]:
        """Tickets whose number contains these digits, newest first."""


def placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def fetch_ids(sql: str, params) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
