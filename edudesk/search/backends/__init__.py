"""Search backends: one interface, chosen by the vendor of the database search reads from.

Reads go where the project's database routers send reads of the search tables (a read
replica in the scale-out deployment), else to the default database.
"""

from django.db import connections, router

from edudesk.search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    from edudesk.search.models import TicketDocument

    alias = router.db_for_read(TicketDocument)
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        from edudesk.search.backends.postgres import PostgresBackend

        return PostgresBackend(alias)
    if vendor == "sqlite":
        from edudesk.search.backends.sqlite import SqliteBackend

        return SqliteBackend(alias)
    raise NotImplementedError(f"no search backend for {vendor}")
