"""Who is asking, as far as limits are concerned: the client's address."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR; behind the reverse proxy (BEHIND_PROXY) the last X-Forwarded-For entry, the
    one our proxy appended: entries before it are whatever the client chose to send."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"
