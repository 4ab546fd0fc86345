"""Fixtures shared by every test: personas from the seeds, jobs run inline, database probes."""

import pytest
from django.db import connection

from edudesk.testing import factories

# Fixtures through which a test reaches the suite's database (pytest-django's list).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--run-once", choices=("all", "sqlite", "postgresql"), default="all",
        help="all: every test. sqlite, postgresql: this is make test's run on that database, beside "
             "the other one: the tests that need one run only (no test database, or marked "
             "any_database) run in the PostgreSQL run when marked postgres, in the SQLite run "
             "otherwise (docs/testing.md)")


def uses_test_database(item) -> bool:
    """The test reads or writes the suite's database (the multi-process tests make PostgreSQL
    databases of their own, whatever the suite's database is: they do not count)."""
    return (item.get_closest_marker("django_db") is not None
            or not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ())))


def once_run(item) -> str | None:
    """The one run of make test that takes this test, or None when both runs take it: a test
    whose outcome may depend on the database runs on both."""
    if uses_test_database(item) and item.get_closest_marker("any_database") is None:
        return None
    return "postgresql" if item.get_closest_marker("postgres") is not None else "sqlite"


def pytest_collection_modifyitems(config, items):
    run = config.getoption("run_once")
    if run == "all":
        return
    kept = [item for item in items if once_run(item) in (None, run)]
    config.hook.pytest_deselected(items=[item for item in items if once_run(item) not in (None, run)])
    items[:] = kept


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Every agent the factories make and every sign-in hashes a password: a real PBKDF2 round
    costs ~0.3 s of CPU, MD5 nothing. PBKDF2 stays second, so a stored PBKDF2 hash still checks."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher",
                                             "django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _flush_only_written_tables():
    """After each transactional test Django empties every table; on PostgreSQL with one TRUNCATE of
    all of them, which makes new files for every table and index: that took 55% of the time of
    tests/tickets' outbox tests. Here only the tables that hold rows are emptied, with DELETE (the
    foreign keys Django makes are checked at the commit, so the order does not matter)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate_all = DatabaseOperations.sql_flush

    def sql_flush(ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate_all(ops, style, tables, reset_sequences=reset_sequences,
                                allow_cascade=allow_cascade)
        tables = list(tables)
        with ops.connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(
                f"SELECT {n} WHERE EXISTS (SELECT 1 FROM {ops.quote_name(table)})"
                for n, table in enumerate(tables)))
            written = [tables[n] for (n,) in cursor.fetchall()]
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(ops.quote_name(table))};"
                for table in written]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _jobs_run_inline(settings, tmp_path):
    """Huey jobs run synchronously in tests; uploaded files go to a temporary folder."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches keyed by ids: a rolled-back test sends no signal to empty them."""
    from django.core.cache import cache

    from edudesk.intake.categorize import forget_models
    from edudesk.intake.services import forget_schemas
    from edudesk.intake.term_weights import forget_term_weights
    from edudesk.sla.calendars import forget_calendars
    from edudesk.sla.policies import forget_policies

    for forget in (forget_schemas, forget_models, forget_term_weights, forget_calendars,
                   forget_policies):
        forget()
    # The cache too: its fragments are keyed by ids that a rolled-back test hands out again.
    cache.clear()
    yield


@pytest.fixture
def on_postgres(db):
    """Skips on SQLite: make test runs the whole suite on PostgreSQL as well."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test runs the suite on it too)")


@pytest.fixture
def eschool(db):
    return factories.service("eschool")


@pytest.fixture
def uchipro(db):
    return factories.service("uchipro")


@pytest.fixture
def school(eschool):
    return factories.organisation(eschool)


@pytest.fixture
def teacher(eschool, school):
    """Мария Петровна, a teacher of School No. 12, writes to the e-school's support."""
    return factories.contact(eschool, full_name="Иванова Мария Петровна", org=school,
                             email="m.ivanova@school12.example")


@pytest.fixture
def another_teacher(eschool, school):
    return factories.contact(eschool, full_name="Петров Олег Иванович", org=school,
                             email="o.petrov@school12.example")


@pytest.fixture
def line1_agent(eschool):
    return factories.agent(eschool, username="line1", full_name="Соколова Анна")


@pytest.fixture
def supervisor(eschool):
    from edudesk.accounts.models import User

    return factories.agent(eschool, username="supervisor", kind=User.Kind.SUPERVISOR,
                           full_name="Волкова Елена")


@pytest.fixture
def outsider_agent(uchipro):
    """An agent of the LMS vendor, who does not serve the e-school."""
    return factories.agent(uchipro, username="outsider", full_name="Чужой Агент")


@pytest.fixture
def ticket(eschool, teacher):
    return factories.ticket(eschool, teacher)


@pytest.fixture
def redis_url():
    """A Redis database for tests (make test sets EDUDESK_TEST_REDIS_URL when Redis answers)."""
    import os

    url = os.environ.get("EDUDESK_TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs Redis: set EDUDESK_TEST_REDIS_URL or run through make test")
        pytest.skip("needs Redis (make test provides it when 127.0.0.1:6379 answers)")
    return url
