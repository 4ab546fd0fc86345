"""One gate for characters no text may contain: NUL and lone surrogates, in any input.

PostgreSQL refuses both (a NUL byte in a text or jsonb value, a surrogate that is not half of
a pair cannot be encoded as UTF-8), SQLite's full-text search chokes on NUL, and no person
types them. Rather than patch every view and form, this middleware looks at everything a
request carries as text — the path, the query string, form fields and file names, a JSON
body (keys and values, at any depth) and cookies — and answers 400 with a clear message in
the user's language when one of them holds such a character; nothing is changed.

Lengths are the other half of bad input and depend on the field: the API's schemas carry
each column's maximum (``api/schemas.py``), the intake pipeline checks what every channel
submits (``intake/limits.py``), desk forms declare theirs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    RawPostDataException,
)
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.template import loader
from django.utils.translation import gettext as _

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
API_PREFIX = "/api/"


def has_forbidden_characters(text: str) -> bool:
    return _FORBIDDEN.search(text) is not None


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _request_strings(request: HttpRequest) -> Iterator[str]:
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    for key, value in request.COOKIES.items():
        yield key
        yield value
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            payload = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return  # malformed JSON is the API's to refuse (422 naming the body)
        yield from _json_strings(payload)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, values in request.POST.lists():
            yield key
            yield from values
        for key, files in request.FILES.lists():
            yield key
            yield from (upload.name or "" for upload in files)


def first_forbidden(strings: Iterable[str]) -> bool:
    return any(has_forbidden_characters(text) for text in strings)


class InputGuardMiddleware:
    """Answers 400 to a request carrying NUL or a lone surrogate anywhere in its text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = first_forbidden(_request_strings(request))
        except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, RawPostDataException):
            refused = False  # too big or malformed: the code that reads the body answers it
        if refused:
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        message = _("Запрос содержит недопустимые символы (нулевой байт или одиночный суррогат "
                    "UTF-16). Удалите их и отправьте снова.")
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"code": "invalid_characters", "message": message}, status=400)
        # The site's 400 page. Django's CSRF middleware runs below this one: wrapped around the
        # page it sets the cookie its language form's token needs (a bad cookie is replaced).
        return CsrfViewMiddleware(lambda req: HttpResponseBadRequest(loader.render_to_string(
            "errors/invalid_characters.html", {"detail": message, "error_page": True},
            request=req)))(request)
