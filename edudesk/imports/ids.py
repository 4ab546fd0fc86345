"""Ids for rows written in bulk, reserved before the rows are built.

An imported ticket's events name each other (a clock event names the status change that
caused it) and its messages (``message_id``), so their ids are needed before the insert.
They come from the database's own counter, never from ``max()+1`` seen outside a lock:

* PostgreSQL: ``nextval`` of the table's sequence, n times in one statement (values are
  unique even among concurrent transactions; gaps are harmless);
* SQLite: the caller's transaction has written already, so it holds the database's single
  write lock until it commits; the next ids after both the table's largest id and its
  AUTOINCREMENT counter cannot be taken by anybody else meanwhile, and inserting them moves
  the counter past them.
"""

from django.db import connection, models


def reserve(model: type[models.Model], count: int) -> list[int]:
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                           "FROM generate_series(1, %s)", [table, count])
            return sorted(row[0] for row in cursor.fetchall())
        if not connection.in_atomic_block:
            raise RuntimeError("ids are reserved inside the transaction that writes them")
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX(id) FROM {quoted}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(largest, row[0] if row else 0) + 1
        return list(range(start, start + count))


class Block:
    """Ids of one table handed out in ascending order, reserved `step` at a time as needed
    (how many events a ticket's history makes is known only once it is replayed). Ids left
    over at the end are a gap, as after a rolled-back transaction."""

    def __init__(self, model: type[models.Model], step: int):
        self.model, self.step = model, max(1, step)
        self.ids = iter(())
        self.last: int | None = None

    def __iter__(self):
        return self

    def __next__(self) -> int:
        value = next(self.ids, None)
        if value is None:
            self.ids = iter(self._more())
            value = next(self.ids)
        self.last = value
        return value

    def _more(self):
        if connection.vendor == "postgresql" or self.last is None:
            return reserve(self.model, self.step)
        # SQLite: this transaction holds the write lock, so the ids after ours stay free.
        return range(self.last + 1, self.last + 1 + self.step)
