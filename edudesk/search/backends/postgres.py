"""PostgreSQL: a generated tsvector over lemmas (`simple` configuration, GIN index) ranked with
ts_rank, and pg_trgm GIN indexes for substrings of numbers and identities."""

from edudesk.search.backends.base import RANKED_CANDIDATES, SearchBackend, fetch_ids
from edudesk.search.query import TextQuery


def tsquery_term(term: str) -> str:
    # Terms are letters and digits only (see lemmas.WORD); a trailing «*» is a prefix.
    return term[:-1] + ":*" if term.endswith("*") else term


def tsquery(text: TextQuery) -> str:
    return " & ".join("(" + " | ".join(tsquery_term(t) for t in group) + ")" for group in text.groups)


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PostgresBackend(SearchBackend):
    def text_matches(self, text: TextQuery, service_ids: list[int], limit: int) -> list[int]:
        if not text or not service_ids:
            return []
        sql = """
            SELECT c.ticket_id FROM (
                SELECT ticket_id, vector FROM search_ticketdocument
                WHERE vector @@ to_tsquery('simple', %(q)s) AND service_id = ANY(%(services)s)
                ORDER BY ticket_id DESC LIMIT %(candidates)s) AS c
            ORDER BY ts_rank(c.vector, to_tsquery('simple', %(q)s)) DESC, c.ticket_id DESC
            LIMIT %(limit)s"""
        return fetch_ids(sql, {"q": tsquery(text), "services": service_ids,
                               "candidates": RANKED_CANDIDATES, "limit": limit})

    def identity_matches(self, tokens: tuple[str, ...], service_ids: list[int], limit: int,
                         *, exact: bool) -> list[int]:
        patterns = [f"% {like_escape(t)} %" if exact else f"%{like_escape(t)}%"
                    for t in tokens if len(t) >= 3]
        return self._substring("identities", patterns, service_ids, limit)

    def number_matches(self, fragment: str, service_ids: list[int], limit: int) -> list[int]:
        patterns = [f"%{like_escape(fragment)}%"] if len(fragment) >= 3 else []
        return self._substring("number", patterns, service_ids, limit)

    def _substring(self, column: str, patterns: list[str], service_ids: list[int],
                   limit: int) -> list[int]:
        if not patterns or not service_ids:
            return []
        # Separate LIKEs joined by OR, so each can use the trigram index (a BitmapOr).
        condition = " OR ".join(f"{column} LIKE %s" for _ in patterns)
        sql = f"""
            SELECT ticket_id FROM search_ticketdocument
            WHERE ({condition}) AND service_id = ANY(%s)
            ORDER BY ticket_id DESC LIMIT %s"""
        return fetch_ids(sql, [*patterns, service_ids, limit])
