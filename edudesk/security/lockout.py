"""One sign-in lockout for every way in: the desk, /admin/login/, API tokens and portal links.

Built on django-axes rather than hand-written: it hooks Django's own ``authenticate()`` (so the
admin, the desk and any future login form are covered without touching their views), keeps its
records in the database (the lock holds across web replicas and restarts) and shows failures
and lock-outs to administrators in the admin (*Axes → Access attempts / Access failures*).

edudesk adds two things on top of axes' counting (``LockoutHandler``):

* separate thresholds per account (username) and per address (IP): guessing one password from
  many addresses, or many accounts from one address, are both stopped;
* a growing delay: the first lock lasts ``EDUDESK_SIGNIN_LOCK_MINUTES``; after it lifts the next
  threshold's worth of failures locks twice as long, and so on up to a day.

Ways in that do not go through ``authenticate()`` (a bearer token, a one-time link) call
``allowed()`` before checking the credential and ``record_failure()`` when it is wrong.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

LONGEST_LOCK = timedelta(hours=24)


def normalise_username(request, credentials: dict | None = None) -> str | None:
    """The account a sign-in names, as axes records it: trimmed and case-folded."""
    if credentials is not None:
        raw = credentials.get("username")
    else:
        raw = request.POST.get("username") if request.method == "POST" else None
    raw = (raw or "").strip().lower()[:150]
    return raw or None


def lockout_parameters(request, credentials: dict | None = None) -> list[str]:
    """Per account and per address; a credential without an account (a token) per address only."""
    return ["username", "ip_address"] if normalise_username(request, credentials) else ["ip_address"]


def _limit(parameter) -> int:
    if parameter == "username":
        return settings.EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT
    return settings.EDUDESK_SIGNIN_FAILURES_PER_ADDRESS


def lock_duration(failures: int, limit: int) -> timedelta | None:
    """How long ``failures`` recent failures lock for: none below the limit, then each further
    ``limit`` failures (made after the previous lock lifted) lock twice as long as the last."""
    if failures < limit or failures % limit:
        return None
    first = timedelta(minutes=settings.EDUDESK_SIGNIN_LOCK_MINUTES)
    return min(first * 2 ** (failures // limit - 1), LONGEST_LOCK)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with per-parameter thresholds and a growing delay."""

    def locked_until(self, request, credentials: dict | None = None) -> datetime | None:
        now = timezone.now()
        until = None
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials),
                                       strict=True):
            seen = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            duration = lock_duration(seen["failures"] or 0, _limit(parameter))
            if duration and seen["last"] + duration > now:
                until = max(until or now, seen["last"] + duration)
        return until

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        request.edudesk_locked_until = self.locked_until(request, credentials)
        return request.edudesk_locked_until is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = request is not None and request.axes_locked_out
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked or not self.is_locked(request, credentials):
            return
        # This failure reached a threshold: the response becomes the lock-out page.
        request.axes_locked_out = True
        request.axes_credentials = credentials
        username = get_client_username(request, credentials)
        AccessFailureLog.objects.filter(
            username=username, ip_address=request.axes_ip_address,
            attempt_time=request.axes_attempt_time).update(locked_out=True)
        user_locked_out.send("axes", request=request, username=username,
                             ip_address=request.axes_ip_address)

    def user_logged_in(self, sender, request, user, **kwargs):
        """A successful sign-in forgets the account's earlier failures (not the address's)."""
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username().lower()).delete()


# --- for ways in that do not go through authenticate() ------------------------------------------


def allowed(request, credentials: dict | None = None) -> bool:
    """False while the address (or the named account) is locked; marks the request locked."""
    credentials = credentials if credentials is not None else {"username": None}
    if AxesProxyHandler.is_allowed(request, credentials):
        return True
    request.axes_locked_out = True
    request.axes_credentials = credentials
    return False


def record_failure(request, credentials: dict | None = None) -> None:
    """A wrong token or link: counted like a wrong password (per address)."""
    user_login_failed.send(sender=__name__, credentials=credentials or {"username": None},
                           request=request)


def retry_after(request) -> int:
    """Whole seconds until the lock on this request lifts (at least 1)."""
    until = getattr(request, "edudesk_locked_until", None)
    if until is None:
        return 60
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def locked_message(request) -> str:
    minutes = max(1, math.ceil(retry_after(request) / 60))
    return _("Слишком много неудачных попыток входа. Попробуйте снова через %(minutes)d мин.") % {
        "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """What a locked-out request gets: the view's own 429 when it drew one, else a page or JSON."""
    if original_response is not None and original_response.status_code == 429:
        response = original_response
    elif request.path.startswith("/api/"):
        response = JsonResponse({"code": "locked", "message": locked_message(request)}, status=429)
    else:
        response = render(request, "security/locked.html", {"message": locked_message(request)},
                          status=429)
    response["Retry-After"] = str(retry_after(request))
    return response
