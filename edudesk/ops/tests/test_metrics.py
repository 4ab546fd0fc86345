import logging
import os
import subprocess
import sys

from django.core.cache import cache

from edudesk.testing import factories


def _sample(text: str, prefix: str) -> float:
    """The value of the first exposition line starting with `prefix`."""
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {prefix!r} in:\n{text}")


def test_every_response_carries_its_server_time_and_request_id(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-42")
    assert response["Server-Timing"].startswith("app;dur=")
    assert float(response["Server-Timing"].split("dur=")[1]) >= 0
    assert response["X-Request-ID"] == "lb-42"


def test_a_request_id_with_unsafe_characters_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nInjected: 1")
    assert len(response["X-Request-ID"]) == 32


def test_request_latency_is_counted_by_route_pattern_not_by_path(client, db, eschool, teacher):
    ticket = factories.ticket(eschool, teacher)
    token = factories.token_for(teacher)
    client.get(f"/api/v1/tickets/{ticket.number}", HTTP_AUTHORIZATION=f"Bearer {token}")
    text = client.get("/metrics").content.decode()
    prefix = ('edudesk_http_request_duration_seconds_count{method="GET",'
              'route="/api/v1/tickets/<number>",status="200"}')
    assert _sample(text, prefix) >= 1
    assert ticket.number not in text


def test_metrics_show_tickets_by_status_and_queue_depth(client, db, eschool, teacher):
    cache.clear()
    factories.ticket(eschool, teacher)
    factories.ticket(eschool, teacher, subject="Не открывается журнал")
    text = client.get("/metrics").content.decode()
    assert _sample(text, 'edudesk_tickets{status="registered"}') == 2
    assert _sample(text, 'edudesk_tickets{status="resolved"}') == 0
    assert _sample(text, "edudesk_sla_breached_open_tickets") == 0
    assert _sample(text, 'edudesk_job_queue_depth{kind="pending"}') >= 0


def test_each_request_is_logged_with_structured_fields(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="edudesk.request"):
        client.get("/healthz")
    record = next(r for r in caplog.records if r.name == "edudesk.request")
    assert record.route == "/healthz"
    assert record.status == 200
    assert record.method == "GET"
    assert record.duration_ms >= 0


OBSERVE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
django.setup()
from edudesk.ops.metrics import REQUEST_LATENCY
REQUEST_LATENCY.labels("GET", "/probe", "200").observe(0.01)
"""

RENDER = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
django.setup()
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
registry = CollectorRegistry()
MultiProcessCollector(registry)
print(generate_latest(registry).decode())
"""


def test_several_worker_processes_are_summed_in_multiprocess_mode(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _worker in range(2):
        subprocess.run([sys.executable, "-c", OBSERVE], env=env, check=True)
    text = subprocess.run([sys.executable, "-c", RENDER], env=env, check=True,
                          capture_output=True, text=True).stdout
    prefix = 'edudesk_http_request_duration_seconds_count{method="GET",route="/probe",status="200"}'
    assert _sample(text, prefix) == 2
