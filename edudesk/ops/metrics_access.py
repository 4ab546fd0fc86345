"""Who may read /metrics: a scraper from an allowed address, or one presenting the token.

The exposition shows ticket counts per status, SLA breaches and traffic per route; it is not for
the public. Addresses are EDUDESK_METRICS_ALLOWED_ADDRESSES (addresses or networks, default the
loopback); the token is EDUDESK_METRICS_TOKEN, sent as ``Authorization: Bearer <token>``
(Prometheus: ``authorization: {credentials: …}``).
"""

from __future__ import annotations

import functools
import hmac
import ipaddress

from django.conf import settings

from edudesk.security.client import client_address


@functools.cache
def _networks(allowed: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def may_read_metrics(request) -> bool:
    token = settings.EDUDESK_METRICS_TOKEN
    if token:
        scheme, _space, presented = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(),
                                                              token.encode()):
            return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network
               for network in _networks(tuple(settings.EDUDESK_METRICS_ALLOWED_ADDRESSES)))
