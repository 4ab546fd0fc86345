"""Prometheus metrics: request latency from the middleware, domain figures computed at scrape time.

With several gunicorn workers each process keeps its own counters; when PROMETHEUS_MULTIPROC_DIR
is set (deploy/gunicorn.conf.py sets and empties it), prometheus_client writes them to files
there and a scrape of any worker aggregates every worker's files.
"""

import logging
import os
import time

from django.core.cache import cache
from django.db.models import Count
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

# Label values come from a closed set: a method outside it counts as "other", so a client
# sending random methods cannot grow the exposition (routes are URL patterns, statuses numbers).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str | None) -> str:
    return method if method in KNOWN_METHODS else "other"


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


# The last figures this process computed, served when the database or the cache is down.
_last_good: dict = {}


def current_figures() -> tuple[dict | None, float | None]:
    """The figures and their age in seconds; the last known ones (or none) when the database,
    the cache or the queue does not answer: a scrape never fails because of them."""
    try:
        figures = cache.get(DOMAIN_CACHE_KEY)
    except Exception:  # the cache (Redis) is down: compute, or serve the last known figures
        figures = None
    if figures is None:
        try:
            figures = {**domain_figures(), "computed_at": time.time()}
        except Exception:
            log.warning("metrics: domain figures unavailable", exc_info=True)
            if not _last_good:
                return None, None
            return _last_good, time.time() - _last_good["computed_at"]
        try:
            cache.set(DOMAIN_CACHE_KEY, figures, DOMAIN_CACHE_SECONDS)
        except Exception:
            log.warning("metrics: cache unavailable", exc_info=True)
    _last_good.update(figures)
    return figures, time.time() - figures.get("computed_at", time.time())


class DomainCollector:
    """Gauges read from the database and the job queue when Prometheus scrapes."""

    def collect(self):
        from edudesk.tickets.status import Status

        figures, age = current_figures()
        yield GaugeMetricFamily("edudesk_metrics_domain_available",
                                "1 when the domain gauges below could be served, else 0.",
                                value=0 if figures is None else 1)
        if figures is None:
            return
        yield GaugeMetricFamily("edudesk_metrics_domain_age_seconds",
                                "Age of the domain gauges (grows while the database is down).",
                                value=max(0.0, age or 0.0))
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
