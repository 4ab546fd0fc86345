"""Per-request timing: a latency histogram, a Server-Timing header and one structured log line."""

import logging
import re
import time
import uuid

from edudesk.ops.metrics import REQUEST_LATENCY, method_label

log = logging.getLogger("edudesk.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def route_of(request) -> str:
    """The URL pattern (``api/v1/tickets/{number}``), not the path: keeps label cardinality low."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "unknown")


class RequestMetricsMiddleware:
    """Put first in MIDDLEWARE so the measured time covers the whole Django stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        REQUEST_LATENCY.labels(method_label(request.method), route, str(response.status_code)).observe(
            elapsed)
        # Server time as seen by the application, readable by browsers' devtools and by the bench.
        response["Server-Timing"] = f"app;dur={elapsed * 1000:.2f}"
        response["X-Request-ID"] = request_id
        log.info(
            "%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed * 1000,
            extra={"request_id": request_id, "method": request.method, "path": request.path,
                   "route": route, "status": response.status_code,
                   "duration_ms": round(elapsed * 1000, 2),
                   "user_id": _user_id(request), "remote_addr": request.META.get("REMOTE_ADDR", "")},
        )
        return response


def _user_id(request) -> int | None:
    """The signed-in user's id if authentication already ran (never triggers a query itself)."""
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None
