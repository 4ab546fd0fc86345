"""Search backends: one interface, chosen by the database vendor of the default connection."""

from django.db import connection

from edudesk.search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from edudesk.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from edudesk.search.backends.sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
