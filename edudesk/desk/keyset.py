"""Keyset pagination: pages follow a (sort value, id) cursor, so a page never costs an OFFSET.

Sort values may be NULL (a ticket whose SLA due date is not known yet); NULLs sort last in
both directions and are then ordered by id.
"""

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet


@dataclass(frozen=True)
class Cursor:
    value: datetime | None
    id: int


@dataclass(frozen=True)
class Keyset:
    field: str
    descending: bool = False
    # A NOT NULL column is ordered plainly, so a descending walk can use an ascending index.
    nullable: bool = True

    @property
    def by_id_only(self) -> bool:
        return self.field == "id"

    def order_by(self) -> list:
        """The whole order in one query (NULLs last). Pages do not use it: see page()."""
        tie = "-id" if self.descending else "id"
        if self.by_id_only:
            return [tie]
        if not self.nullable:
            return [f"-{self.field}" if self.descending else self.field, tie]
        column = F(self.field)
        first = column.desc(nulls_last=True) if self.descending else column.asc(nulls_last=True)
        return [first, tie]

    def index_order(self) -> list[str]:
        """The order of the index behind the keyset, NULLs wherever the database puts them."""
        tie = "-id" if self.descending else "id"
        return [tie] if self.by_id_only else [f"-{self.field}" if self.descending else self.field, tie]

    def _known_after(self, queryset: QuerySet, cursor: Cursor) -> QuerySet:
        """Rows with a value beyond the cursor as `value >= v AND (value > v OR id > x)`: the
        index range starts at v on either database (the OR alone makes SQLite scan)."""
        beyond, reach = ("lt", "lte") if self.descending else ("gt", "gte")
        return queryset.filter(Q(**{f"{self.field}__{reach}": cursor.value})).filter(
            Q(**{f"{self.field}__{beyond}": cursor.value}) | Q(**{f"id__{beyond}": cursor.id}))

    def page(self, queryset: QuerySet, cursor: Cursor | None, size: int,
             load: Callable[[QuerySet], QuerySet] | None = None) -> tuple[list, str]:
        """One page in order and the cursor of the next page ("" when this is the last).

        A nullable sort column is read in two index-ordered parts, never with `NULLS LAST`
        (which no index serves on SQLite): the rows with a value and, once they run out, the
        rows without one, by id. Each part is one range of an index on (…, column, id).

        `load` adds what the rows show (joins, deferred columns) to the chosen rows only: the
        page's ids are picked in a subquery of the bare table, so joined tables cannot lead the
        planner away from the index (SQLite then drives the join from the other table and sorts)."""
        beyond = "lt" if self.descending else "gt"
        if self.by_id_only:
            if cursor is not None:
                queryset = queryset.filter(**{f"id__{beyond}": cursor.id})
            rows = self._rows(queryset, self.index_order(), size + 1, load)
        elif not self.nullable:
            if cursor is not None:
                queryset = self._known_after(queryset, cursor)
            rows = self._rows(queryset, self.index_order(), size + 1, load)
        else:
            rows = []
            if cursor is None or cursor.value is not None:
                known = queryset.filter(**{f"{self.field}__isnull": False})
                if cursor is not None:
                    known = self._known_after(known, cursor)
                rows = self._rows(known, self.index_order(), size + 1, load)
            if len(rows) <= size:
                unknown = queryset.filter(**{f"{self.field}__isnull": True})
                if cursor is not None and cursor.value is None:
                    unknown = unknown.filter(**{f"id__{beyond}": cursor.id})
                rows += self._rows(unknown, ["-id" if self.descending else "id"], size + 1 - len(rows), load)
        if len(rows) <= size:
            return rows, ""
        rows = rows[:size]
        return rows, self.encode(rows[-1])

    @staticmethod
    def _rows(queryset: QuerySet, order: list[str], limit: int, load) -> list:
        ordered = queryset.order_by(*order)
        if load is None:
            return list(ordered[:limit])
        chosen = queryset.model._base_manager.filter(pk__in=ordered.values("pk")[:limit])
        return list(load(chosen).order_by(*order))

    def encode(self, row) -> str:
        value = None if self.by_id_only else getattr(row, self.field)
        text = f"{value.isoformat() if value else ''}~{row.pk}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, token: str) -> Cursor | None:
        """The cursor in a link, or None when it is missing or malformed (then: first page)."""
        if not token:
            return None
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            value_text, _sep, id_text = text.rpartition("~")
            value = datetime.fromisoformat(value_text) if value_text else None
            if value is not None and value.tzinfo is None:
                return None
            return Cursor(value=value, id=int(id_text))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
