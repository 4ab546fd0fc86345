import json

import pytest
from huey import RedisHuey

from edudesk.ops import health


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_reports_the_database_and_the_job_queue_ready(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["job_queue"] == "ok"


def test_readiness_answers_503_naming_the_job_queue_when_its_redis_is_down(client, db, monkeypatch):
    # A real Redis client pointed at a port where nothing listens: the connection is refused.
    unreachable = RedisHuey("edudesk-readyz-test", url="redis://127.0.0.1:1/0")
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["job_queue"].startswith("error: ConnectionError")


def test_readiness_checks_the_cache_only_when_redis_is_configured(settings):
    settings.REDIS_URL = ""
    assert "cache" not in health.probes()
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert "cache" in health.probes()


@pytest.mark.redis
def test_readiness_writes_and_reads_the_redis_cache(settings, db):
    import os

    url = os.environ.get("EDUDESK_TEST_REDIS_URL")
    if not url:
        pytest.skip("needs Redis (make test sets EDUDESK_TEST_REDIS_URL)")
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": url}}
    ready, checks = health.run_probes()
    assert ready, checks
    assert checks["cache"] == "ok"
