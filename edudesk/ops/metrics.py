"""Prometheus metrics: request latency from the middleware, domain figures computed at scrape time.

With several gunicorn workers each process keeps its own counters; when PROMETHEUS_MULTIPROC_DIR
is set (deploy/gunicorn.conf.py sets and empties it), prometheus_client writes them to files
there and a scrape of any worker aggregates every worker's files.
"""

import os

from django.core.cache import cache
from django.db.models import Count
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_LATENCY = Histogram(
    "edudesk_http_request_duration_seconds",
    "Time from the first middleware to the response, by route pattern, method and status.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# Domain figures are shared by every worker, computed at most once a minute and kept in the cache:
# counting a million tickets by status takes about half a second on PostgreSQL.
DOMAIN_CACHE_KEY = "edudesk:metrics:domain"
DOMAIN_CACHE_SECONDS = 60


def domain_figures() -> dict:
    """Tickets by status, open tickets past their SLA, and jobs waiting in the queue."""
    from huey.contrib.djhuey import HUEY

    from edudesk.tickets.models import SlaFlag, Ticket
    from edudesk.tickets.status import OPEN_STATUSES

    by_status = dict(Ticket.objects.order_by().values_list("status").annotate(n=Count("id")))
    breached = Ticket.objects.filter(status__in=OPEN_STATUSES, sla_flag=SlaFlag.BREACHED).count()
    return {
        "tickets_by_status": by_status,
        "sla_breached_open": breached,
        "queue_pending": HUEY.pending_count(),
        "queue_scheduled": HUEY.scheduled_count(),
    }


class DomainCollector:
    """Gauges read from the database and the job queue when Prometheus scrapes."""

    def collect(self):
        from edudesk.tickets.status import Status

        figures = cache.get(DOMAIN_CACHE_KEY)
        if figures is None:
            figures = domain_figures()
            cache.set(DOMAIN_CACHE_KEY, figures, DOMAIN_CACHE_SECONDS)
        tickets = GaugeMetricFamily("edudesk_tickets", "Tickets by status.", labels=["status"])
        for status in Status.values:
            tickets.add_metric([status], figures["tickets_by_status"].get(status, 0))
        yield tickets
        yield GaugeMetricFamily("edudesk_sla_breached_open_tickets",
                                "Open tickets whose SLA deadline has passed.",
                                value=figures["sla_breached_open"])
        queue = GaugeMetricFamily("edudesk_job_queue_depth", "Jobs waiting in the Huey queue.",
                                  labels=["kind"])
        queue.add_metric(["pending"], figures["queue_pending"])
        queue.add_metric(["scheduled"], figures["queue_scheduled"])
        yield queue


_domain_registry = CollectorRegistry(auto_describe=False)
_domain_registry.register(DomainCollector())


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render_metrics() -> tuple[bytes, str]:
    """The exposition text: process metrics (all workers when multi-process) plus domain gauges."""
    if multiprocess_dir():
        process_registry = CollectorRegistry()
        MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    return generate_latest(process_registry) + generate_latest(_domain_registry), CONTENT_TYPE_LATEST
