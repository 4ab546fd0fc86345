from edudesk.ops.db_router import ReplicaRouter, reading_from_replica
from edudesk.tickets.models import Ticket

REPLICA = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


def test_reads_stay_on_the_primary_unless_code_asks_for_the_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": REPLICA}
    router = ReplicaRouter()
    assert router.db_for_read(Ticket) == "default"
    with reading_from_replica():
        assert router.db_for_read(Ticket) == "replica"
    assert router.db_for_read(Ticket) == "default"


def test_writes_always_go_to_the_primary_even_inside_a_replica_block(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": REPLICA}
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_write(Ticket) == "default"


def test_without_a_replica_configured_replica_reads_use_the_primary(settings):
    settings.DATABASES = {k: v for k, v in settings.DATABASES.items() if k != "replica"}
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(Ticket) == "default"


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "tickets") is True
    assert router.allow_migrate("replica", "tickets") is False

