"""/metrics: only for the monitoring system, bounded labels, and it answers without a database.

Before: public (ticket counts per status, breaches, traffic per route); the HTTP method was a
label taken verbatim (3,000 random methods grew it from 445 KB to 5.7 MB); with the database
down it answered 500.
"""

import pytest
from django.core.cache import cache
from django.db import connection

from edudesk.ops import metrics
from edudesk.testing import factories

pytestmark = pytest.mark.django_db

OUTSIDER = "203.0.113.9"


def scrape(client, **extra):
    return client.get("/metrics", **extra)


def test_metrics_are_refused_to_the_public(client, eschool, teacher):
    factories.ticket(eschool, teacher)
    response = scrape(client, REMOTE_ADDR=OUTSIDER)
    assert response.status_code == 403
    assert b"edudesk_tickets" not in response.content


def test_the_monitoring_host_reads_them_from_an_allowed_address(client, settings):
    settings.EDUDESK_METRICS_ALLOWED_ADDRESSES = ["10.20.0.0/16"]
    assert scrape(client, REMOTE_ADDR="10.20.3.4").status_code == 200
    assert scrape(client, REMOTE_ADDR="127.0.0.1").status_code == 403


def test_a_scraper_with_the_token_reads_them_from_anywhere(client, settings):
    settings.EDUDESK_METRICS_TOKEN = "scrape-8c1f0e"
    assert scrape(client, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer scrape-8c1f0e").status_code == 200
    wrong = scrape(client, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer scrape-000000")
    assert wrong.status_code == 403
    assert wrong["WWW-Authenticate"].startswith("Bearer")


def test_random_http_methods_do_not_grow_the_exposition(client):
    for n in range(300):
        client.generic(f"X{n:04d}Y", "/healthz")
    text = scrape(client).content.decode()
    assert "X0001Y" not in text and "X0299Y" not in text
    assert 'method="other",route="/healthz"' in text
    assert sum(1 for line in text.splitlines() if 'method="other"' in line) < 40


@pytest.mark.django_db(transaction=True)
def test_metrics_answer_with_the_last_known_figures_while_the_database_is_down(client, eschool,
                                                                               teacher):
    cache.clear()
    metrics._last_good.clear()
    factories.ticket(eschool, teacher)
    assert 'edudesk_tickets{status="registered"} 1.0' in scrape(client).content.decode()
    cache.clear()  # the cached figures expired: the next scrape must read the database
    with database_down():
        response = scrape(client)
    text = response.content.decode()
    assert response.status_code == 200
    assert "edudesk_metrics_domain_available 1.0" in text
    assert 'edudesk_tickets{status="registered"} 1.0' in text
    assert "edudesk_http_request_duration_seconds" in text


@pytest.mark.django_db(transaction=True)
def test_metrics_answer_without_domain_figures_when_none_were_ever_read(client):
    cache.clear()
    metrics._last_good.clear()
    with database_down():
        response = scrape(client)
    text = response.content.decode()
    assert response.status_code == 200
    assert "edudesk_metrics_domain_available 0.0" in text
    assert "edudesk_tickets{" not in text


class database_down:
    """The default connection pointed at a database that does not answer (a real failure)."""

    def __enter__(self):
        self.saved = dict(connection.settings_dict)
        # Django ignores close() on an in-memory SQLite test database (closing would destroy it):
        # keep its connection aside, alive, and let the next query open the dead one instead.
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        self.kept = connection.connection if in_memory else None
        if self.kept is not None:
            connection.connection = None
        else:
            connection.close()
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent/edudesk/down.sqlite3"
        else:
            connection.settings_dict["PORT"] = "1"

    def __exit__(self, *exc):
        connection.close()
        connection.settings_dict.update(self.saved)
        if self.kept is not None:
            connection.connection = self.kept
