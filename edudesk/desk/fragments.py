"""Parts of desk pages rendered once and kept in the cache, keyed on everything they show.

A fragment's key names its template and the values it is built from (a ticket's newest event,
its assignee, …) with the language and time zone it is shown in; the entry keeps the directory
generation it was built under (``desk.directory``: people's names, agents and lines), and an
entry of another generation is rebuilt. Nothing personal is cached: the CSRF token, the
ticket version a form posts (and the composer's upload token) are marks, replaced on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from edudesk.desk import directory

CSRF_MARK = "__desk_fragment_csrf__"
VERSION_MARK = "__desk_fragment_version__"


def key(template: str, parts: tuple) -> str:
    shown_in = (translation.get_language(), timezone.get_current_timezone_name())
    digest = hashlib.blake2b(repr((template, parts, shown_in)).encode(), digest_size=16).hexdigest()
    return f"desk:fragment:v1:{digest}"


def lookup(fragment_key: str):
    """The cached value under this key, if it was built under the current generation."""
    found = cache.get_many([fragment_key, directory.GENERATION_KEY])
    entry = found.get(fragment_key)
    if entry is not None and entry[0] == found.get(directory.GENERATION_KEY):
        return entry[1]
    return None


def store(fragment_key: str, generation: str, value) -> None:
    cache.set(fragment_key, (generation, value), directory.timeout())


def render_marked(template: str, context: dict) -> str:
    """The template rendered with marks for the CSRF token and the seen version."""
    return str(render_to_string(template, {**context, "csrf_token": CSRF_MARK, "seen_version": VERSION_MARK}))


def personal(html: str, request, version: int, marks: tuple[tuple[str, str], ...] = ()) -> SafeString:
    """The cached HTML with this request's CSRF token, the version and any other ``marks``
    ((mark, value) pairs, each value a token of letters and digits) filled in."""
    html = html.replace(CSRF_MARK, _csrf_token(request)).replace(VERSION_MARK, str(version))
    for mark, value in marks:
        html = html.replace(mark, value)
    # Escaped when rendered; the marks are replaced by tokens of letters and digits.
    return mark_safe(html)


def _csrf_token(request) -> str:
    """One masked CSRF token for all of a request's fragments: each call of ``get_token`` masks
    the secret anew (~500 Python calls), and any of its tokens is as good as another."""
    token = getattr(request, "_desk_fragment_csrf", None)
    if token is None:
        token = request._desk_fragment_csrf = get_token(request)
    return token


def rendered(request, template: str, parts: tuple, context: Callable[[], dict], version: int,
             marks: tuple[tuple[str, str], ...] = ()) -> SafeString:
    """The template for this request, from the cache when it holds it for these parts;
    ``context()`` is called only to build it (with each of ``marks`` where its value goes)."""
    fragment_key = key(template, parts)
    html = lookup(fragment_key)
    if html is None:
        generation = directory.generation()
        html = render_marked(template, context())
        store(fragment_key, generation, html)
    return personal(html, request, version, marks)
