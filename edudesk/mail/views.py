"""The mail gate: ``deploy/mailgate.py`` (run by the MTA's pipe) hands one mail to the server.

``POST /mail/gate?service=CODE[&mailbox=ADDRESS]`` with the raw message as the body and
``Authorization: Bearer <EDUDESK_MAILGATE_SECRET>``. Answers in plain text: 200 stored (or
stored before), 400 no message, 403 wrong secret, 404 gate disabled (no secret set) or
unknown service, 503 nothing stored, retry later. Like Request Tracker's rt-mailgate, the
client is small and starts fast; the application is already running here.
"""

from __future__ import annotations

import hmac

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from edudesk.mail.conf import mail_setting
from edudesk.mail.ingest import TemporaryFailure
from edudesk.mail.pipe import UnknownService, deliver_piped, describe, strip_mbox_separator


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body + "\n", status=status, content_type="text/plain; charset=utf-8")


def _authorised(request, secret: str) -> bool:
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              secret.encode())


@csrf_exempt
@require_POST
def mail_gate(request):
    secret = mail_setting("EDUDESK_MAILGATE_SECRET")
    if not secret:
        return _text("mail gate disabled: set EDUDESK_MAILGATE_SECRET", 404)
    if not _authorised(request, secret):
        return _text("wrong mail gate secret", 403)
    # Read the stream itself: request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB),
    # mail may be larger (EDUDESK_MAIL_MAX_BYTES decides, and keeps larger mail whole).
    raw = strip_mbox_separator(request.read())
    if not raw.strip():
        return _text("no message in the request body", 400)
    try:
        result = deliver_piped(raw, service=request.GET.get("service", ""),
                               mailbox=request.GET.get("mailbox", ""), source="mailgate")
    except UnknownService as error:
        return _text(f"unknown service {error}", 404)
    except (TemporaryFailure, OperationalError, InterfaceError) as error:
        return _text(f"temporary failure, retry later: {error}", 503)
    return _text(describe(result))
