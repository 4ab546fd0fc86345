"""Password sign-in with a lockout: too many recent failures lock the username for a while.

Failures are rows in the database (not the cache), so the lock holds across web replicas and
restarts. The lock is per username, whatever the address, so guessing from many addresses does
not help; a successful sign-in clears the username's failures.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.utils import timezone

from edudesk.desk.models import SignInFailure

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class SignInResult:
    user: object | None = None
    locked_for: timedelta | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def locked_for(username: str, now: datetime) -> timedelta | None:
    """How much longer the username stays locked, or None when sign-in is allowed."""
    recent = list(
        SignInFailure.objects.filter(username=_key(username), failed_at__gt=now - WINDOW)
        .order_by("-failed_at").values_list("failed_at", flat=True)[:MAX_FAILURES]
    )
    if len(recent) < MAX_FAILURES:
        return None
    # Locked until the oldest of the last MAX_FAILURES failures leaves the window.
    return recent[-1] + WINDOW - now


def sign_in(request, username: str, password: str, now: datetime | None = None) -> SignInResult:
    """Check the password unless the username is locked; record the outcome."""
    now = now or timezone.now()
    remaining = locked_for(username, now)
    if remaining is not None:
        return SignInResult(locked_for=remaining)
    user = authenticate(request, username=(username or "").strip(), password=password)
    if user is None or not user.is_active:
        # Failures older than the window no longer count: drop them as new ones arrive.
        SignInFailure.objects.filter(username=_key(username), failed_at__lte=now - WINDOW).delete()
        SignInFailure.objects.create(username=_key(username), failed_at=now,
                                     remote_addr=request.META.get("REMOTE_ADDR") or None)
        return SignInResult(locked_for=locked_for(username, now))
    SignInFailure.objects.filter(username=_key(username)).delete()
    return SignInResult(user=user)
