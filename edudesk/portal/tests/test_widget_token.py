"""The widget's signed context token: HMAC-SHA256, expiry, one use per nonce."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from edudesk.portal.widget_token import WidgetTokenError, _signature, sign, verify

SECRET = "uchipro-widget-secret"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

# A learner of a training centre, as the LMS knows him.
LEARNER = {
    "full_name": "Петров Олег Иванович",
    "login": "petrov.oi",
    "role": "learner",
    "organisation": "ООО «Учебный центр»",
    "platform_url": "https://sdo.uc.example.ru",
    "email": "petrov@uc.example.ru",
    "phone": "+7 912 345-67-89",
}


class Nonces:
    """What the database guard does, in memory: a nonce is accepted once."""

    def __init__(self):
        self.seen = set()

    def __call__(self, service, nonce, expires_at):
        if (service, nonce) in self.seen:
            return False
        self.seen.add((service, nonce))
        return True


def claims(**changes):
    base = {
        "service": "uchipro",
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=10)).timestamp()),
        "nonce": "k3J9x-A1b2C3d4E5f6",
        **LEARNER,
    }
    base.update(changes)
    return base


def check(token, nonces=None, now=NOW, service="uchipro", secret=SECRET):
    return verify(token, secret=secret, service=service, now=now, use_nonce=nonces or Nonces())


def reason(token, **kwargs):
    with pytest.raises(WidgetTokenError) as caught:
        check(token, **kwargs)
    return caught.value


def test_valid_token_carries_the_learners_data():
    context = check(sign(SECRET, claims()))
    assert context.user == LEARNER
    assert context.service == "uchipro"
    assert context.expires_at == NOW + timedelta(minutes=10)


def test_token_signed_with_another_secret_is_refused():
    error = reason(sign("someone-else", claims()))
    assert error.reason == "signature"
    assert "подписи" in error.message


def test_tampered_payload_is_refused():
    token = sign(SECRET, claims())
    version, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["role"] = "administrator"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    assert reason(f"{version}.{forged}.{signature}").reason == "signature"


def test_expired_token_is_refused_with_a_clear_message():
    error = reason(sign(SECRET, claims()), now=NOW + timedelta(minutes=12))
    assert error.reason == "expired"
    assert "Срок действия" in error.message


def test_small_clock_difference_is_tolerated():
    check(sign(SECRET, claims()), now=NOW - timedelta(seconds=30))
    check(sign(SECRET, claims()), now=NOW + timedelta(minutes=10, seconds=30))


def test_token_from_the_future_is_refused():
    assert reason(sign(SECRET, claims()), now=NOW - timedelta(minutes=5)).reason == "not_yet_valid"


def test_replayed_token_is_refused():
    nonces = Nonces()
    token = sign(SECRET, claims())
    check(token, nonces)
    error = reason(token, nonces=nonces)
    assert error.reason == "replayed"
    assert "уже была использована" in error.message


def test_refused_token_does_not_burn_its_nonce():
    nonces = Nonces()
    reason(sign(SECRET, claims()), nonces=nonces, now=NOW + timedelta(hours=1))
    assert not nonces.seen


def test_token_for_another_service_is_refused():
    assert reason(sign(SECRET, claims(service="eschool"))).reason == "service"


def test_lifetime_over_an_hour_is_refused():
    long = claims(exp=int((NOW + timedelta(hours=2)).timestamp()))
    assert reason(sign(SECRET, long)).reason == "malformed"


@pytest.mark.parametrize(
    "token",
    ["", "v1.abc", "v2.e30.sig", "not a token", "v1.%%%.abc"],
)
def test_garbage_is_refused_as_malformed_or_unsigned(token):
    assert reason(token).reason in {"malformed", "signature"}


@pytest.mark.parametrize(
    "changes",
    [
        {"nonce": "short"},
        {"nonce": None},
        {"iat": "yesterday"},
        {"exp": True},
        {"login": ["a", "b"]},
        {"full_name": "я" * 501},
    ],
)
def test_signed_but_malformed_claims_are_refused(changes):
    assert reason(sign(SECRET, claims(**changes))).reason == "malformed"


def test_signed_non_object_payload_is_refused():
    payload = base64.urlsafe_b64encode(b"[1,2]").rstrip(b"=").decode()
    token = f"v1.{payload}.{_signature(SECRET, 'v1.' + payload)}"
    assert reason(token).reason == "malformed"


def test_empty_user_claims_are_left_out():
    context = check(sign(SECRET, claims(phone="", email=None)))
    assert "phone" not in context.user and "email" not in context.user


def test_the_python_example_in_docs_widget_md_makes_valid_tokens():
    from pathlib import Path

    document = (Path(__file__).resolve().parents[3] / "docs" / "widget.md").read_text()
    example = document.split("```python\n", 1)[1].split("```", 1)[0]
    definitions = example.split("\ntoken = ", 1)[0]
    namespace: dict = {}
    exec(compile(definitions, "docs/widget.md", "exec"), namespace)
    token = namespace["edudesk_token"](SECRET, "uchipro", LEARNER)
    context = verify(token, secret=SECRET, service="uchipro",
                     now=datetime.now(UTC), use_nonce=Nonces())
    assert context.user == LEARNER
