"""Constant lists written into the SQL, so SQLite can use the partial indexes built on them.

SQLite uses a partial index only when it can prove, while preparing a statement, that the
query's WHERE implies the index's: `status IN ('answered', …)` against the index's identical
term. Django binds every value as a parameter, and a term with parameters proves nothing, so
every queue on SQLite read (and sorted) all of the service's open tickets instead. Only our own
choice values are written in (checked to be plain identifiers); PostgreSQL, whose driver inlines
the values anyway, plans the same either way.
"""

import re
from collections.abc import Iterable

from django.db.models import Q, Value

_PLAIN = re.compile(r"[a-z_]+\Z")


class Constant(Value):
    """A choice value written into the statement instead of bound."""

    def __init__(self, value: str):
        if not _PLAIN.match(str(value)):
            raise ValueError(f"not a plain choice value: {value!r}")
        super().__init__(str(value))

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []


def constant_in(field: str, values: Iterable[str]) -> Q:
    """`field IN ('a', 'b')` in the order given (the partial index's own order: sorted)."""
    return Q(**{f"{field}__in": [Constant(value) for value in values]})
