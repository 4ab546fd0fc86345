"""Password sign-in of agents. The lockout (per account and per address, growing delay) is the
one every way in shares: ``edudesk/security/lockout.py`` (django-axes behind ``authenticate``)."""

from dataclasses import dataclass

from django.contrib.auth import authenticate

from edudesk.security import lockout


@dataclass(frozen=True)
class SignInResult:
    user: object | None = None
    locked: bool = False
    retry_after: int = 0  # seconds, when locked

    @property
    def ok(self) -> bool:
        return self.user is not None


def sign_in(request, username: str, password: str) -> SignInResult:
    """Check the password unless the account or the address is locked (axes records the outcome)."""
    user = authenticate(request, username=(username or "").strip(), password=password)
    if user is not None and user.is_active:
        return SignInResult(user=user)
    if getattr(request, "axes_locked_out", False):
        return SignInResult(locked=True, retry_after=lockout.retry_after(request))
    return SignInResult()
