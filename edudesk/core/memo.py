"""Lookups that one batch of work repeats, done once per batch (never a process-wide cache).

A job that composes hundreds of mails (an incident's update told to every child) asks for
the same template row and the same sender address each time. Inside ``scope()`` the first
answer of ``cached(key, compute)`` is kept until the scope ends; outside any scope
``compute`` runs every time, so an administrator's edit is seen by the next batch.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_kept: contextvars.ContextVar[dict | None] = contextvars.ContextVar("edudesk_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Keep ``cached`` answers until the block ends (a nested scope shares the outer one)."""
    if _kept.get() is not None:
        yield
        return
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    kept = _kept.get()
    if kept is None:
        return compute()
    if key not in kept:
        kept[key] = compute()
    return kept[key]
