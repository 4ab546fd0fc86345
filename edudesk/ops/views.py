"""Liveness, readiness and Prometheus metrics for load balancers, orchestrators and monitoring."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from edudesk.ops.health import run_probes
from edudesk.ops.metrics import render_metrics


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
    body, content_type = render_metrics()
    return HttpResponse(body, content_type=content_type)
