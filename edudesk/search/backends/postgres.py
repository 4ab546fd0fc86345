"""PostgreSQL: a generated tsvector over lemmas (`simple` configuration, GIN index) ranked with
ts_rank, and pg_trgm GIN indexes for substrings of numbers and identities."""

from django.db import connections, transaction

from edudesk.search.backends.base import RANKED_CANDIDATES, SearchBackend
from edudesk.search.query import TextQuery

# How many of the newest documents of the agent's services the first plan reads.
RECENT_WINDOW = 4000
RECENT_SQL = """
    SELECT ticket_id, ts_rank(vector, to_tsquery('simple', %(q)s)) FROM (
        SELECT ticket_id, vector FROM search_ticketdocument
        WHERE service_id = ANY(%(services)s)
        ORDER BY ticket_id DESC LIMIT %(window)s) AS recent
    WHERE vector @@ to_tsquery('simple', %(q)s)
    ORDER BY ticket_id DESC LIMIT %(candidates)s"""
INDEXED_SQL = """
    SELECT ticket_id, ts_rank(vector, to_tsquery('simple', %(q)s)) FROM (
        SELECT ticket_id, vector FROM search_ticketdocument
        WHERE vector @@ to_tsquery('simple', %(scoped)s)
        ORDER BY ticket_id DESC LIMIT %(candidates)s) AS matches"""


def tsquery_term(term: str) -> str:
    # Terms are letters and digits only (see lemmas.WORD); a trailing «*» is a prefix.
    return term[:-1] + ":*" if term.endswith("*") else term


def tsquery(text: TextQuery) -> str:
    return " & ".join("(" + " | ".join(tsquery_term(t) for t in group) + ")" for group in text.groups)


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PostgresBackend(SearchBackend):
    def text_matches(self, text: TextQuery, service_ids: list[int], limit: int, *,
                     rare: bool = False) -> list[int]:
        """Rank the newest matches. Two plans, because which one is fast depends on how common
        the words are among the agent's tickets, which the planner cannot know:

        1. the newest RECENT_WINDOW documents of the agent's services, filtered by the words
           (bounded work; enough when the words are common; skipped for identifiers);
        2. otherwise the GIN index, with the services as lexemes in the query so that the
           index alone narrows to the agent's tickets (fast because the words are rare).
        """
        if not text or not service_ids:
            return []
        words = tsquery(text)
        params = {"q": words, "services": service_ids, "window": RECENT_WINDOW,
                  "candidates": RANKED_CANDIDATES}
        scoped = f"({words}) & ({' | '.join(f'svc{int(s)}' for s in service_ids)})"
        if rare:
            # Identifiers are rare everywhere, and the estimates know it: plain planning.
            rows = self.fetch_rows(INDEXED_SQL, {**params, "scoped": scoped})
        else:
            rows = self.fetch_rows(RECENT_SQL, params)
            if len(rows) < limit:
                rows = self._through_gin_index(INDEXED_SQL, {**params, "scoped": scoped})
        rows.sort(key=lambda row: (-row[1], -row[0]))
        return [row[0] for row in rows[:limit]]

    def identity_matches(self, fragments: tuple[str, ...], service_ids: list[int],
                         limit: int) -> list[int]:
        patterns = [f"%{like_escape(t)}%" for t in fragments if len(t) >= 3]
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
        return self.fetch_ids(sql, [*patterns, service_ids, limit])

    def _through_gin_index(self, sql: str, params: dict) -> list[tuple]:
        """Run a query with plans that walk the table turned off.

        The planner estimates the words as common when they are common in other services'
        tickets; the first plan has just shown that they are rare among the agent's, so the GIN
        index is the right plan. The settings are local to the transaction and reset right
        after (a savepoint's release would not undo them); on an error the rollback does.
        """
        with transaction.atomic(using=self.alias), connections[self.alias].cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
            cursor.execute(sql, params)
            rows = list(cursor.fetchall())
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
        return rows
