"""Keyset pagination: pages follow a (sort value, id) cursor, so a page never costs an OFFSET.

Sort values may be NULL (a ticket whose SLA due date is not known yet); NULLs sort last in
both directions and are then ordered by id.
"""

import base64
import binascii
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
        tie = "-id" if self.descending else "id"
        if self.by_id_only:
            return [tie]
        if not self.nullable:
            return [f"-{self.field}" if self.descending else self.field, tie]
        column = F(self.field)
        first = column.desc(nulls_last=True) if self.descending else column.asc(nulls_last=True)
        return [first, tie]

    def after(self, queryset: QuerySet, cursor: Cursor) -> QuerySet:
        beyond = "lt" if self.descending else "gt"
        id_beyond = Q(**{f"id__{beyond}": cursor.id})
        if self.by_id_only:
            return queryset.filter(id_beyond)
        if cursor.value is None:
            return queryset.filter(Q(**{f"{self.field}__isnull": True}) & id_beyond)
        later = Q(**{f"{self.field}__{beyond}": cursor.value}) | (Q(**{self.field: cursor.value}) & id_beyond)
        if self.nullable:
            later |= Q(**{f"{self.field}__isnull": True})
        return queryset.filter(later)

    def page(self, queryset: QuerySet, cursor: Cursor | None, size: int) -> tuple[list, str]:
        """One page in order and the cursor of the next page ("" when this is the last)."""
        if cursor is not None:
            queryset = self.after(queryset, cursor)
        rows = list(queryset.order_by(*self.order_by())[: size + 1])
        if len(rows) <= size:
            return rows, ""
        rows = rows[:size]
        return rows, self.encode(rows[-1])

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
