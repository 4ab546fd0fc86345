"""Safe retries of the API's POSTs: the same ``Idempotency-Key`` from the same token gets the
first result, and nothing is created twice.

A client whose connection dropped after the commit cannot know whether its ticket exists; it
sends the request again with the same key. Steps, for a POST under ``/api/`` that carries the
header and a valid bearer token:

1. open a transaction and insert the key's row (token, key, fingerprint of the request);
2. if the row exists — the key was used before, or a concurrent request with it has just
   committed (the unique index makes the second insert wait for the first) — answer the stored
   response (``Idempotent-Replayed: true``), or 422 when the key came with another request;
3. otherwise run the request inside the same transaction and store its response with it: a
   success commits together with what it created, so the key is remembered exactly when the
   ticket exists. A refusal (4xx) is not remembered (the row is deleted, the request's own
   bookkeeping such as rate-limit counters is kept); a server error rolls everything back.

Keys are kept ``KEEP_HOURS`` (a daily job forgets older ones).
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.accounts.models import ApiToken, hash_token
from edudesk.api.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEEP_HOURS = 24
API_PREFIX = "/api/"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces (a UUID fits)


def _token_id(request: HttpRequest) -> int | None:
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return (ApiToken.objects.filter(key_hash=hash_token(raw.strip()), revoked=False)
            .values_list("pk", flat=True).first())


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def _replay(stored: IdempotentRequest, request: HttpRequest) -> HttpResponse:
    if stored.fingerprint != fingerprint(request):
        return _error(422, "idempotency_key_reused",
                      _("Этот ключ Idempotency-Key уже использован для другого запроса."))
    response = HttpResponse(bytes(stored.body), status=stored.status,
                            content_type=stored.content_type or "application/json")
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not _KEY.match(key):
            return _error(400, "bad_idempotency_key",
                          _("Idempotency-Key: от 1 до 255 печатных символов ASCII без пробелов."))
        token_id = _token_id(request)
        if token_id is None:
            return self.get_response(request)  # the API answers 401 itself
        return self._once(request, token_id, key)

    def _once(self, request: HttpRequest, token_id: int, key: str) -> HttpResponse:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    entry = IdempotentRequest.objects.create(
                        token_id=token_id, key=key, fingerprint=fingerprint(request))
            except IntegrityError:
                stored = IdempotentRequest.objects.get(token_id=token_id, key=key)
                return _replay(stored, request)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif 200 <= response.status_code < 300 and not response.streaming:
                IdempotentRequest.objects.filter(pk=entry.pk).update(
                    status=response.status_code, body=response.content,
                    content_type=response.get("Content-Type", "")[:100])
            else:
                IdempotentRequest.objects.filter(pk=entry.pk).delete()
            return response


def forget_old(now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(hours=KEEP_HOURS)
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
