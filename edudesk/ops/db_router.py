"""Reads that tolerate replication lag (reports, search) go to a read replica when one exists.

Enabled by DATABASE_REPLICA_URL (settings add the "replica" alias and this router). Only code
that asks for it reads from the replica::

    with reading_from_replica():
        rows = list(report_queryset)

Everything else, and every write, stays on the primary, so a user always reads what they just
wrote. Without a replica the context manager changes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA_ALIAS = "replica"
PRIMARY_ALIAS = "default"

_prefer_replica: ContextVar[bool] = ContextVar("edudesk_prefer_replica", default=False)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    token = _prefer_replica.set(True)
    try:
        yield
    finally:
        _prefer_replica.reset(token)


def replica_alias() -> str:
    """The alias a replica-tolerant read should use right now."""
    if _prefer_replica.get() and REPLICA_ALIAS in settings.DATABASES:
        return REPLICA_ALIAS
    return PRIMARY_ALIAS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary through replication; migrations run on the primary only.
        return db == PRIMARY_ALIAS
