"""How much image decoding one request, and one process, may do.

Every screenshot is fully decoded to be re-encoded (``intake/attachments.py``); decoding costs
about 4 bytes of memory per pixel. Three anonymous posts of ten 40-megapixel images once took
67 s and grew a web process from 150 MB to 1 GB. Two bounds stop that:

* a per-request pixel budget (``EDUDESK_MAX_PIXELS_PER_REQUEST``): each image's size is read
  from its header and charged before it is decoded; once the request's budget is spent, further
  images are refused with a message, undecoded. Work outside a request (mail) has no budget:
  a mail's size is capped by ``EDUDESK_MAIL_MAX_BYTES`` and none of its files may be lost;
* a per-process semaphore (``EDUDESK_DECODE_CONCURRENCY``): at most that many decodes run at
  once; a request waits for a slot up to ``EDUDESK_DECODE_WAIT_SECONDS`` and then gets 503.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from dataclasses import dataclass

from django.conf import settings


class BudgetSpent(Exception):
    """This request already decoded as many pixels as it may."""


class DecoderBusy(Exception):
    """Every decoding slot of this process stayed busy for the whole wait."""


@dataclass
class PixelBudget:
    remaining: int

    def charge(self, pixels: int) -> None:
        if pixels > self.remaining:
            raise BudgetSpent
        self.remaining -= pixels


_budget: contextvars.ContextVar[PixelBudget | None] = contextvars.ContextVar("pixel_budget",
                                                                               default=None)
_slots_lock = threading.Lock()
_slots: tuple[int, threading.BoundedSemaphore] | None = None


@contextlib.contextmanager
def request_budget(pixels: int):
    """Open a budget for the duration of one request (the middleware does)."""
    token = _budget.set(PixelBudget(pixels))
    try:
        yield
    finally:
        _budget.reset(token)


def in_request() -> bool:
    return _budget.get() is not None


def charge(pixels: int) -> None:
    budget = _budget.get()
    if budget is not None:
        budget.charge(pixels)


def _semaphore() -> threading.BoundedSemaphore:
    """The process's slots, sized by EDUDESK_DECODE_CONCURRENCY (made anew if it changes)."""
    global _slots
    size = max(1, settings.EDUDESK_DECODE_CONCURRENCY)
    with _slots_lock:
        if _slots is None or _slots[0] != size:
            _slots = (size, threading.BoundedSemaphore(size))
        return _slots[1]


@contextlib.contextmanager
def decoding_slot():
    """Hold one of the process's decoding slots; a request gives up after the configured wait."""
    slots = _semaphore()
    timeout = settings.EDUDESK_DECODE_WAIT_SECONDS if in_request() else None
    if not slots.acquire(timeout=timeout):
        raise DecoderBusy
    try:
        yield
    finally:
        slots.release()
