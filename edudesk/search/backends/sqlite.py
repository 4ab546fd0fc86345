"""SQLite: FTS5 over lemmas (bm25, subject weighted above the conversation) and an FTS5
trigram table for substrings of numbers and identities."""

from edudesk.search.backends.base import RANKED_CANDIDATES, SearchBackend, placeholders
from edudesk.search.query import TextQuery

SUBJECT_WEIGHT, BODY_WEIGHT = 4.0, 1.0


def phrase(term: str) -> str:
    """An FTS5 string literal; a trailing «*» stays outside the quotes as a prefix query."""
    star = term.endswith("*")
    body = term[:-1] if star else term
    return '"' + body.replace('"', '""') + '"' + ("*" if star else "")


def fts_match(text: TextQuery) -> str:
    return " AND ".join("(" + " OR ".join(phrase(t) for t in group) + ")" for group in text.groups)


class SqliteBackend(SearchBackend):
    def text_matches(self, text: TextQuery, service_ids: list[int], limit: int, *,
                     rare: bool = False) -> list[int]:
        if not text or not service_ids:
            return []
        sql = f"""
            SELECT id FROM (
                SELECT f.rowid AS id, bm25(search_ticket_fts, %s, %s) AS score
                FROM search_ticket_fts AS f
                JOIN search_ticketdocument AS d ON d.ticket_id = f.rowid
                WHERE search_ticket_fts MATCH %s AND d.service_id IN ({placeholders(service_ids)})
                ORDER BY f.rowid DESC LIMIT %s)
            ORDER BY score, id DESC LIMIT %s"""
        params = [SUBJECT_WEIGHT, BODY_WEIGHT, fts_match(text), *service_ids,
                  RANKED_CANDIDATES, limit]
        return self.fetch_ids(sql, params)

    def identity_matches(self, fragments: tuple[str, ...], service_ids: list[int],
                         limit: int) -> list[int]:
        return self._substring("identities", [t for t in fragments if len(t) >= 3], service_ids, limit)

    def number_matches(self, fragment: str, service_ids: list[int], limit: int) -> list[int]:
        return self._substring("number", [fragment] if len(fragment) >= 3 else [], service_ids, limit)

    def _substring(self, column: str, terms: list[str], service_ids: list[int],
                   limit: int) -> list[int]:
        if not terms or not service_ids:
            return []
        match = f"{column} : (" + " OR ".join(phrase(t) for t in terms) + ")"
        sql = f"""
            SELECT f.rowid FROM search_identity_fts AS f
            JOIN search_ticketdocument AS d ON d.ticket_id = f.rowid
            WHERE search_identity_fts MATCH %s AND d.service_id IN ({placeholders(service_ids)})
            ORDER BY f.rowid DESC LIMIT %s"""
        return self.fetch_ids(sql, [match, *service_ids, limit])
