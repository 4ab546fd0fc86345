"""The signed context token of the platform widget.

The platform (the e-school, the LMS) knows who its user is; edudesk should not ask again. The
platform's server signs the user's data with the service's widget secret and puts the token
into the widget snippet; edudesk verifies it, fills the fields from it and locks them.

Format (documented for integrators in docs/widget.md)::

    v1.<payload>.<signature>
    payload   = base64url(JSON), no padding
    signature = base64url(HMAC-SHA256(secret, "v1." + payload)), no padding

Claims: ``service`` (the service's code), ``iat`` and ``exp`` (Unix seconds), ``nonce`` (16–64
URL-safe characters, unique per token), and the user's ``full_name``, ``login``, ``role``,
``organisation``, ``platform_url``, ``email``, ``phone`` (strings, all optional).
A token is accepted once (the nonce is remembered until the token expires), is valid for at most
``MAX_LIFETIME`` and never before ``iat`` (clocks may differ by ``CLOCK_SKEW``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from edudesk.core.input_guard import has_forbidden_characters

VERSION = "v1"
MAX_LIFETIME = timedelta(hours=1)
CLOCK_SKEW = timedelta(seconds=60)
USER_CLAIMS = ("full_name", "login", "role", "organisation", "platform_url", "email", "phone")
_NONCE = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")
_MAX_CLAIM_LENGTH = 500


class WidgetTokenError(Exception):
    """The token is refused; ``message`` is for the user, ``reason`` for logs and tests."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class WidgetContext:
    service: str
    nonce: str
    issued_at: datetime
    expires_at: datetime
    user: dict[str, str] = field(default_factory=dict)


# use_nonce(service_code, nonce, expires_at) -> True the first time, False on a replay.
NonceGuard = Callable[[str, str, datetime], bool]


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, signed_part: str) -> str:
    digest = hmac.new(secret.encode(), signed_part.encode("ascii"), hashlib.sha256).digest()
    return _b64encode(digest)


def sign(secret: str, claims: Mapping[str, object]) -> str:
    """Build a token (what the platform's server does; used by tests and the demo page)."""
    payload = _b64encode(json.dumps(dict(claims), ensure_ascii=False).encode())
    signed_part = f"{VERSION}.{payload}"
    return f"{signed_part}.{_signature(secret, signed_part)}"


def _refused(reason: str) -> WidgetTokenError:
    messages = {
        "malformed": _(
            "Не удалось прочитать данные платформы. Откройте форму техподдержки из платформы "
            "заново."
        ),
        "signature": _(
            "Данные платформы не прошли проверку подписи. Откройте форму техподдержки из "
            "платформы заново; если ошибка повторится, сообщите администратору платформы."
        ),
        "service": _("Данные платформы выданы для другого сервиса техподдержки."),
        "expired": _(
            "Срок действия ссылки на форму техподдержки истёк. Обновите страницу платформы и "
            "откройте форму снова."
        ),
        "not_yet_valid": _(
            "Ссылка на форму техподдержки ещё не действует: проверьте время на сервере платформы."
        ),
        "replayed": _(
            "Эта ссылка на форму техподдержки уже была использована. Обновите страницу платформы "
            "и откройте форму снова."
        ),
    }
    return WidgetTokenError(reason, messages[reason])


def verify(
    token: str,
    *,
    secret: str,
    service: str,
    now: datetime,
    use_nonce: NonceGuard,
) -> WidgetContext:
    """Check the signature, the service, the time window and the nonce; return the context.

    Steps: split and check the version → constant-time signature check (before the payload
    is parsed, so unsigned input never reaches the JSON parser) → claims → time window →
    the nonce, consumed last so that a refused token does not burn it.
    """
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or parts[0] != VERSION or not token.isascii():
        raise _refused("malformed")
    signed_part = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_signature(secret, signed_part), parts[2]):
        raise _refused("signature")
    try:
        claims = json.loads(_b64decode(parts[1]))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _refused("malformed") from exc
    if not isinstance(claims, dict):
        raise _refused("malformed")
    if any(isinstance(value, str) and has_forbidden_characters(value) for value in claims.values()):
        raise _refused("malformed")
    issued_at, expires_at, nonce = _time_claims(claims)
    if claims.get("service") != service:
        raise _refused("service")
    if expires_at - issued_at > MAX_LIFETIME or expires_at <= issued_at:
        raise _refused("malformed")
    if now >= expires_at + CLOCK_SKEW:
        raise _refused("expired")
    if now < issued_at - CLOCK_SKEW:
        raise _refused("not_yet_valid")
    user = _user_claims(claims)
    if not use_nonce(service, nonce, expires_at + CLOCK_SKEW):
        raise _refused("replayed")
    return WidgetContext(
        service=service, nonce=nonce, issued_at=issued_at, expires_at=expires_at, user=user
    )


def _time_claims(claims: dict) -> tuple[datetime, datetime, str]:
    iat, exp, nonce = claims.get("iat"), claims.get("exp"), claims.get("nonce")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (iat, exp)):
        raise _refused("malformed")
    if not isinstance(nonce, str) or not _NONCE.match(nonce):
        raise _refused("malformed")
    try:
        return datetime.fromtimestamp(iat, UTC), datetime.fromtimestamp(exp, UTC), nonce
    except (OverflowError, OSError, ValueError) as exc:
        raise _refused("malformed") from exc


def _user_claims(claims: dict) -> dict[str, str]:
    user = {}
    for key in USER_CLAIMS:
        value = claims.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > _MAX_CLAIM_LENGTH:
            raise _refused("malformed")
        user[key] = value.strip()
    return user
