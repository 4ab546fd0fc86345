"""Where the bytes go: the database's size, per ticket, and per table with its indexes.

    .venv/bin/python bench/storage.py sqlite:///var/bench/bench.sqlite3
    .venv/bin/python bench/storage.py postgres://postgres@127.0.0.1:5432/edudesk_bench
    .venv/bin/python bench/storage.py sqlite:///var/bench/bench.sqlite3 --indexes   # and each index

SQLite: the `dbstat` virtual table (pages of each table and index; FTS5 shadow tables
counted with their virtual table). PostgreSQL: `pg_total_relation_size` (heap, TOAST and
indexes) per table and `pg_relation_size` per index. `--indexes` lists the 60 largest
indexes with their sizes (and on PostgreSQL the index scans counted since the statistics were
last reset: an index that a workload never scans shows 0).
"""

from __future__ import annotations

import sys
from collections import defaultdict

# FTS5 keeps each virtual table in shadow tables named after it.
FTS_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def measure(top: int = 15) -> dict:
    """{"bytes", "tickets", "bytes_per_ticket", "tables": [(table, bytes, index bytes)...]}."""
    from django.db import connection

    from edudesk.tickets.models import Ticket

    tickets = Ticket.objects.count()
    tables = _sqlite() if connection.vendor == "sqlite" else _postgres()
    total = sum(size for size, _index in tables.values())
    ordered = sorted(tables.items(), key=lambda item: -item[1][0])
    return {"bytes": total, "tickets": tickets,
            "bytes_per_ticket": round(total / tickets) if tickets else None,
            "tables": [(name, size, index) for name, (size, index) in ordered[:top]]}


def _sqlite() -> dict[str, tuple[int, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, type FROM sqlite_master WHERE type IN ('table', 'index')")
        owner = {name: (table, kind) for name, table, kind in cursor.fetchall()}
        cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        sizes = cursor.fetchall()
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, size in sizes:
        table, kind = owner.get(name, (name, "table"))
        for suffix in FTS_SUFFIXES:
            if table.endswith(suffix) and table[: -len(suffix)] in owner:
                table = table[: -len(suffix)]
        out[table][0] += size
        if kind == "index":
            out[table][1] += size
    return {name: (size, index) for name, (size, index) in out.items()}


def _postgres() -> dict[str, tuple[int, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = 'public'""")
        return {name: (size, index) for name, size, index in cursor.fetchall()}


def indexes() -> list[tuple[str, str, int, int | None]]:
    """Every index, largest first: (table, index, bytes, scans or None on SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("""
                SELECT m.tbl_name, m.name, SUM(s.pgsize), NULL FROM dbstat s
                JOIN sqlite_master m ON m.name = s.name AND m.type = 'index'
                GROUP BY m.name ORDER BY 3 DESC""")
        else:
            cursor.execute("""
                SELECT relname, indexrelname, pg_relation_size(indexrelid), idx_scan
                FROM pg_stat_user_indexes WHERE schemaname = 'public' ORDER BY 3 DESC""")
        return cursor.fetchall()


def index_table(rows, tickets: int) -> str:
    lines = [f"  {'index':<48}{'table':<28}{'MB':>8}{'B/ticket':>10}{'scans':>10}"]
    for table_name, name, size, scans in rows:
        per = round(size / tickets) if tickets else 0
        lines.append(f"  {name[:47]:<48}{table_name[:27]:<28}{size / 2**20:>8,.1f}{per:>10,}"
                     f"{'' if scans is None else scans:>10}")
    return "\n".join(lines)


def table(result: dict) -> str:
    lines = [f"database {result['bytes'] / 2**20:,.1f} MB for {result['tickets']:,} tickets: "
             f"{(result['bytes_per_ticket'] or 0) / 1024:,.2f} KB per ticket",
             f"  {'table (with its indexes)':<40}{'MB':>9}{'of it indexes':>15}{'B/ticket':>10}"]
    for name, size, index in result["tables"]:
        per = round(size / result["tickets"]) if result["tickets"] else 0
        lines.append(f"  {name:<40}{size / 2**20:>9,.1f}{index / 2**20:>15,.1f}{per:>10,}")
    return "\n".join(lines)


def main(url: str, *options: str) -> int:
    import os
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "edudesk.settings"})
    import django

    django.setup()
    result = measure(top=40)
    print(table(result))
    if "--indexes" in options:
        print(index_table(indexes()[:60], result["tickets"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
