"""Rate limits: how many requests one address, contact or token may make per window.

Counters are fixed windows (``scope:service:who:window-number``), kept in Redis when
``REDIS_URL`` is set (one INCR per request, shared by every web process) and in the database
otherwise (one conditional UPDATE, or an INSERT opening the window). A service's own limits come
from its ``ServiceProtection`` row (admin: *Security → защита сервисов*); empty fields fall back
to the installation's EDUDESK_RATE_* settings.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from edudesk.core import memo
from edudesk.security.models import RateCounter, ServiceProtection


@dataclass(frozen=True)
class Scope:
    name: str
    setting: str  # the installation default (settings) and the ServiceProtection field
    seconds: int  # the window


FORM_PER_ADDRESS = Scope("form_per_address", "EDUDESK_RATE_FORM_PER_ADDRESS", 10 * 60)
FORM_PER_CONTACT = Scope("form_per_contact", "EDUDESK_RATE_FORM_PER_CONTACT", 60 * 60)
API_PER_TOKEN = Scope("api_per_token", "EDUDESK_RATE_API_PER_TOKEN", 60)
# Article suggestions while typing and «Это помогло» (installation-wide: no ServiceProtection field).
KB_PER_ADDRESS = Scope("kb_per_address", "EDUDESK_RATE_KB_PER_ADDRESS", 10 * 60)
SIGNIN_LINKS_PER_ADDRESS = Scope("signin_links_per_address", "EDUDESK_RATE_SIGNIN_LINKS_PER_ADDRESS",
                                 60 * 60)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until the window closes, when refused


def limit_for(scope: Scope, service=None) -> int:
    if service is not None:
        # Read once for the scopes one request counts (``core.memo``: the form's two limits).
        protection = memo.cached(("service_protection", service.pk),
                                 lambda: ServiceProtection.objects.filter(service=service).first())
        own = getattr(protection, scope.name, None) if protection else None
        if own:
            return own
    return getattr(settings, scope.setting)


def hit(scope: Scope, who: str, service=None, now: float | None = None) -> Decision:
    """Count one request of ``who`` (an address, a contact, a token id); refuse above the limit."""
    limit = limit_for(scope, service)
    now = time.time() if now is None else now
    window = int(now // scope.seconds)
    digest = hashlib.sha256(who.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    key = f"edudesk:rate:{scope.name}:{getattr(service, 'pk', 0)}:{digest}:{window}"
    window_end = (window + 1) * scope.seconds
    count = _counter().increment(key, window_end)
    if count <= limit:
        return Decision(True)
    return Decision(False, retry_after=max(1, math.ceil(window_end - now)))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


# --- counters -----------------------------------------------------------------------------------


class RedisCounter:
    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)

    def increment(self, key: str, window_end: float) -> int:
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expireat(key, math.ceil(window_end) + 1)
        count, _expiry = pipe.execute()
        return int(count)


class DatabaseCounter:
    def increment(self, key: str, window_end: float) -> int:
        counted = self._add_one(key)
        if counted is not None:
            return counted
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, count=1,
                                           expires_at=datetime.fromtimestamp(window_end, tz=UTC))
        except IntegrityError:  # another request opened the window first
            return self._add_one(key) or 1
        # A new window: the windows that closed a day ago are no longer needed.
        RateCounter.objects.filter(expires_at__lt=datetime.now(tz=UTC) - timedelta(days=1)).delete()
        return 1

    @staticmethod
    def _add_one(key: str) -> int | None:
        """One statement: UPDATE … RETURNING (SQLite ≥ 3.35 and PostgreSQL)."""
        table, count, key_column = (connection.ops.quote_name(name) for name in
                                    (RateCounter._meta.db_table, "count", "key"))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {count} = {count} + 1 WHERE {key_column} = %s "
                           f"RETURNING {count}", [key])
            row = cursor.fetchone()
        return row[0] if row else None


@functools.cache
def _redis_counter(url: str) -> RedisCounter:
    return RedisCounter(url)


def _counter():
    url = settings.EDUDESK_RATE_LIMIT_REDIS_URL
    return _redis_counter(url) if url else DatabaseCounter()
