"""Readiness probes: each answers whether one backing store is usable right now."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections

Probe = Callable[[], None]


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_job_queue() -> None:
    """The Huey storage answers (Redis in production, SQLite in the embedded mode)."""
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()


def check_cache() -> None:
    """The shared cache (Redis when REDIS_URL is set) accepts a write and reads it back."""
    cache.set("edudesk:readyz", "1", timeout=10)
    if cache.get("edudesk:readyz") != "1":
        raise RuntimeError("cache did not return the value just written")


def probes() -> dict[str, Probe]:
    """The probes that apply to this installation's configuration."""
    checks: dict[str, Probe] = {"database": check_database, "job_queue": check_job_queue}
    if "replica" in settings.DATABASES:
        checks["database_replica"] = lambda: check_database("replica")
    if settings.REDIS_URL:
        checks["cache"] = check_cache
    return checks


def run_probes() -> tuple[bool, dict[str, str]]:
    """Run every probe; a failing one is reported by its error class and message, never raised."""
    results: dict[str, str] = {}
    for name, probe in probes().items():
        try:
            probe()
        except Exception as error:  # any failure means "not ready"
            results[name] = f"error: {type(error).__name__}: {error}"
        else:
            results[name] = "ok"
    return all(value == "ok" for value in results.values()), results
