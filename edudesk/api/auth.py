"""Bearer-token authentication for API v1."""

from django.utils import timezone
from ninja.security import HttpBearer

from edudesk.accounts.models import ApiToken, hash_token
from edudesk.api.errors import ApiError
from edudesk.security import lockout, throttle


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken | None:
        # Guessing tokens is a sign-in failure like a wrong password: the address gets locked
        # (edudesk/security/lockout.py), and while locked even a right token is refused.
        if not lockout.allowed(request):
            raise ApiError(429, "locked", lockout.locked_message(request),
                           retry_after=lockout.retry_after(request))
        api_token = (ApiToken.objects.select_related("user", "contact", "contact__service")
                     .filter(key_hash=hash_token(token), revoked=False).first())
        if api_token is not None and api_token.user is not None and not api_token.user.is_active:
            api_token = None
        if api_token is None:
            lockout.record_failure(request)
            return None
        owner = api_token.user or api_token.contact
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            wait = throttle.api_write(api_token)
            if wait is not None:
                raise ApiError(429, "rate_limited", throttle.api_message(wait), retry_after=wait)
        request.api_owner = owner
        return api_token
