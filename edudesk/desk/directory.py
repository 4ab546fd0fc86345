"""Who works where and what they are called, as the desk's cached fragments show it.

A generation (a cache entry) changes whenever a person, an agent's services or lines, a line,
a service or a canned response is saved or deleted; every cached fragment that shows any of
these holds the generation it was built under and is rebuilt when it differs. Saving only what no
fragment shows (a sign-in's ``last_login``) keeps the generation.

Cached here, per service: the agents and lines of the ticket page's «Назначить» form, the
canned responses of its composer, the services and agents of the queue's filters (the forms
still validate what is posted against the database).
"""

from __future__ import annotations

import time

from django.core.cache import cache, caches
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "desk:directory-generation"
# Kept for a day in a shared cache (Redis: every process sees a new generation at once). In a
# process's own memory (no REDIS_URL) another process's change bumps only its own generation,
# so entries live half a minute there: a rename shows everywhere within that.
SHARED_SECONDS = 24 * 3600
LOCAL_SECONDS = 30
# Saved on their own, these change nothing a fragment shows (a sign-in saves last_login).
UNSHOWN_FIELDS = frozenset({"last_login", "password"})


def timeout() -> int:
    from django.core.cache.backends.locmem import LocMemCache

    return LOCAL_SECONDS if isinstance(caches["default"], LocMemCache) else SHARED_SECONDS


def generation() -> str:
    return cache.get_or_set(GENERATION_KEY, lambda: str(time.time_ns()), None)


def changed(sender=None, update_fields=None, **kwargs) -> None:
    """A signal receiver: what the fragments show may have changed."""
    if update_fields is not None and UNSHOWN_FIELDS.issuperset(update_fields):
        return
    cache.set(GENERATION_KEY, str(time.time_ns()), None)


def connect() -> None:
    from edudesk.accounts.models import Contact, Service, SupportGroup, User
    from edudesk.desk.models import CannedResponse

    for model in (User, Contact, SupportGroup, CannedResponse, Service):
        post_save.connect(changed, sender=model, dispatch_uid=f"desk-directory-save-{model.__name__}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"desk-directory-delete-{model.__name__}")
    for through in (User.services.through, SupportGroup.members.through):
        m2m_changed.connect(changed, sender=through, dispatch_uid=f"desk-directory-m2m-{through.__name__}")


def cached(name: str, service_id, build):
    """``build()`` for this service (or these services), kept until the directory changes."""
    current = generation()
    ids = "-".join(map(str, service_id)) if isinstance(service_id, tuple) else service_id
    key = f"desk:{name}:v1:{ids}"
    entry = cache.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = build()
    cache.set(key, (current, value), timeout())
    return value


def canned_titles(ticket) -> list[tuple[int, str]]:
    """The canned responses offered on the ticket (its service's and everyone's): (pk, title)."""
    from edudesk.desk.canned import responses_for

    return cached("canned", ticket.service_id,
                  lambda: list(responses_for(ticket).values_list("pk", "title")))
