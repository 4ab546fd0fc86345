"""Bearer-token authentication for API v1."""

from django.utils import timezone
from ninja.security import HttpBearer

from edudesk.accounts.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken | None:
        api_token = (ApiToken.objects.select_related("user", "contact", "contact__service")
                     .filter(key_hash=hash_token(token), revoked=False).first())
        if api_token is None:
            return None
        owner = api_token.user or api_token.contact
        if api_token.user is not None and not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.api_owner = owner
        return api_token
