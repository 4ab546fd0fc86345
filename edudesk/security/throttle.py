"""Where the rate limits apply, and what the refused request is told (429 + Retry-After)."""

from __future__ import annotations

import functools

from django.shortcuts import render
from django.utils.translation import gettext as _

from edudesk.accounts.models import Service
from edudesk.core import memo
from edudesk.security import ratelimit
from edudesk.security.client import client_address


def form_submission(request, service, contact=None, typed: dict | None = None) -> int | None:
    """Seconds to wait when this address or this requester sent too many requests lately, else
    None. The requester is the signed-in contact, else the e-mail, phone or login typed."""
    with memo.scope():  # the service's own limits read once for both
        decision = ratelimit.hit(ratelimit.FORM_PER_ADDRESS, client_address(request), service)
        if not decision.allowed:
            return decision.retry_after
        who = _requester_key(contact, typed or {})
        if who:
            decision = ratelimit.hit(ratelimit.FORM_PER_CONTACT, who, service)
            if not decision.allowed:
                return decision.retry_after
    return None


def _requester_key(contact, typed: dict) -> str:
    if contact is not None:
        return f"contact:{contact.pk}"
    for key in ("email", "phone", "login"):
        value = "".join(str(typed.get(key) or "").split()).lower()
        if value:
            return f"{key}:{value}"
    return ""


def kb_request(request, service) -> int | None:
    """Seconds to wait when this address asked the knowledge base too often lately, else None."""
    decision = ratelimit.hit(ratelimit.KB_PER_ADDRESS, client_address(request), service)
    return None if decision.allowed else decision.retry_after


def form_message(retry_after: int) -> str:
    return _("Слишком много обращений за короткое время. Отправить обращение снова можно через "
             "%(minutes)d мин.; введённый текст сохранён на этой странице.") % {
        "minutes": ratelimit.minutes(retry_after)}


def kb_message(retry_after: int) -> str:
    return _("Слишком много запросов с этого адреса. Попробуйте снова через %(minutes)d мин.") % {
        "minutes": ratelimit.minutes(retry_after)}


def api_write(api_token) -> int | None:
    """Seconds to wait when this token made too many changing requests this minute."""
    contact = getattr(api_token, "contact", None)
    decision = ratelimit.hit(ratelimit.API_PER_TOKEN, f"token:{api_token.pk}",
                             contact.service if contact is not None else None)
    return None if decision.allowed else decision.retry_after


def api_message(retry_after: int) -> str:
    return _("Слишком много запросов с этим токеном. Повторите через %(seconds)d с.") % {
        "seconds": retry_after}


def too_many(request, message: str, retry_after: int, service=None):
    response = render(request, "security/too_many.html", {"message": message, "service": service},
                      status=429)
    response["Retry-After"] = str(retry_after)
    return response


def signin_links_limited(view):
    """Requests for a sign-in link (POST) per address: the page answers the same for known and
    unknown addresses, so without a limit it mails any customer as often as asked."""

    @functools.wraps(view)
    def wrapper(request, service: str, *args, **kwargs):
        service_obj = Service.objects.filter(code=service, is_active=True).first()
        if request.method == "POST" and service_obj is not None:
            decision = ratelimit.hit(ratelimit.SIGNIN_LINKS_PER_ADDRESS, client_address(request),
                                     service_obj)
            if not decision.allowed:
                message = _("Слишком много запросов ссылки для входа. Попробуйте снова через "
                            "%(minutes)d мин.") % {"minutes": ratelimit.minutes(decision.retry_after)}
                return too_many(request, message, decision.retry_after, service_obj)
        return view(request, service, *args, **kwargs)

    return wrapper
