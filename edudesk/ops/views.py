"""Liveness, readiness and Prometheus metrics for load balancers, orchestrators and monitoring."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from edudesk.ops.health import run_probes
from edudesk.ops.metrics import render_metrics
from edudesk.ops.metrics_access import may_read_metrics


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving requests; touches no backing store."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """The process can do useful work: the database, the job queue and the cache answer."""
    ready, checks = run_probes()
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status=200 if ready else 503)


@never_cache
@require_GET
def metrics(request):
    if not may_read_metrics(request):
        response = HttpResponse("Forbidden: /metrics is for the monitoring system.\n", status=403,
                                content_type="text/plain; charset=utf-8")
        if settings.EDUDESK_METRICS_TOKEN:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = render_metrics()
    return HttpResponse(body, content_type=content_type)
