"""The transactional outbox: after-commit work is written with its event and runs until done.

Steps, for every event that has after-commit subscribers (``events.subscribe``):

1. ``write(events)`` inserts one ``PendingEffect`` per event, in the transaction that writes
   the events: the change and the work it owes commit together or not at all.
2. After the commit, one job per transaction (``dispatch_effects_job``) gets the ids of the
   entries that transaction wrote.
3. The job claims its entries, and those of other transactions that no job has tried yet,
   with one conditional UPDATE (a lease); runs each handler named in them once for the whole
   batch where the handler can, else event by event; and deletes the finished entries.
   A failing handler stays named in its entry for the sweep, which retries it with a growing
   delay; after ``MAX_ATTEMPTS`` the entry is marked failed for an administrator.
4. ``sweep()`` (every minute, from the job consumer) dispatches again every entry whose
   grace period or back-off is over and that no live dispatch holds: the job lost with a web
   process killed between commit and enqueue, the job lost with a consumer killed mid-work.

Handlers therefore run at least once and must be idempotent.

Work that is no ticket event's (the mail of a portal sign-in link) goes the same way:
``defer(fn, **payload)`` writes an entry naming a function registered with ``@durable``; it is
dispatched and swept like the rest, and runs in one transaction with the entry's removal, so
its database work happens once (mail it queues is then sent by the outbound queue).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from edudesk.tickets import selectors
from edudesk.tickets.models import Event, PendingEffect

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
_MAX_RETRY_DELAY_SECONDS = 3600
_SWEEP_BATCH = 500
_JOB_BATCH = 100

# Entry ids written by the current thread's open transaction, dispatched together after commit.
_written = threading.local()


def lease_seconds() -> int:
    return getattr(settings, "EDUDESK_EFFECTS_LEASE_SECONDS", 300)


def grace_seconds() -> int:
    """How long the sweep leaves a fresh entry to its after-commit dispatch."""
    return getattr(settings, "EDUDESK_EFFECTS_GRACE_SECONDS", 60)


# Context managers every dispatch runs its handlers in (``around_dispatch``).
_around_dispatch: list[Callable[[], AbstractContextManager]] = []


def around_dispatch(context: Callable[[], AbstractContextManager]) -> None:
    """Run every dispatch's handlers inside `context()` (from an app's ``ready``): e.g. the
    mail app sends the mails a batch composed over one SMTP connection."""
    if context not in _around_dispatch:
        _around_dispatch.append(context)


# Functions that may be deferred (``defer``), by name: the job consumer finds them here.
_durable: dict[str, Callable[..., None]] = {}


def _name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def durable(fn: Callable[..., None]) -> Callable[..., None]:
    """Register `fn` so that ``defer(fn, ...)`` may record calls of it (at import time)."""
    _durable[_name(fn)] = fn
    return fn


def defer(fn: Callable[..., None], **payload) -> None:
    """Record a call of `fn(**payload)` in the current transaction; it runs after the commit.

    The same work whatever `fn` will find: one insert, one job after the commit.
    """
    name = _name(fn)
    if _durable.get(name) is not fn:
        raise LookupError(f"{name} is not registered with outbox.durable")
    now = timezone.now()
    entry = PendingEffect.objects.create(handlers=[name], payload=payload, created_at=now,
                                         run_after=now + timedelta(seconds=grace_seconds()))
    _dispatch_after_commit([entry.pk])


def write(events: Iterable[Event], handlers_of) -> None:
    """Record the after-commit work of `events` in the current transaction.

    `handlers_of(kind)` names the subscribers of a kind; events nobody subscribes to owe nothing.
    """
    now = timezone.now()
    run_after = now + timedelta(seconds=grace_seconds())
    entries = [PendingEffect(event_id=event.pk, handlers=names, run_after=run_after, created_at=now)
               for event in events if (names := handlers_of(event.kind))]
    if not entries:
        return
    entries = PendingEffect.objects.bulk_create(entries)
    _dispatch_after_commit([entry.pk for entry in entries])


def _dispatch_after_commit(ids: list[int]) -> None:
    if not _dispatch_registered():
        _written.ids = []  # what an earlier, rolled-back transaction wrote is gone
    _written.ids.extend(ids)
    # Registered once per write: a savepoint rolled back drops its own callback, not the others.
    # Robust: a queue that fails after the commit is logged, not the request's error (the
    # change is committed and the sweep will dispatch it).
    transaction.on_commit(_dispatch_written, robust=True)


def _dispatch_registered() -> bool:
    """Whether the open transaction still holds a dispatch callback (a rollback discards it)."""
    return getattr(_written, "ids", None) is not None and any(
        entry[1] is _dispatch_written for entry in transaction.get_connection().run_on_commit)


def _dispatch_written() -> None:
    """After commit: one job for every entry the transaction wrote (the first callback wins)."""
    ids = getattr(_written, "ids", None)
    _written.ids = None
    if ids:
        _enqueue(list(dict.fromkeys(ids)))


def _enqueue(ids: list[int]) -> None:
    from edudesk.tickets.tasks import dispatch_effects_job

    for start in range(0, len(ids), _JOB_BATCH):
        dispatch_effects_job(ids[start:start + _JOB_BATCH])


def dispatch(ids: Iterable[int], now: datetime | None = None) -> int:
    """Run the pending handlers of these entries; returns how many entries were finished.

    An entry another dispatch holds, or already finished, is skipped. Missing ids (an entry of
    a transaction that was rolled back) are ignored. Entries of other transactions that no job
    has tried yet are taken along (up to ``_JOB_BATCH`` in all), so that when many tickets
    arrive at once one job does their work together: one claim, one read of their events, each
    handler once for the whole batch where it can (``events.subscribe(..., batch=...)``). The
    jobs of the entries taken along then find nothing left to do.
    """
    now = now or timezone.now()
    entries = _claim_many(list(dict.fromkeys(ids)), now)
    finished = 0
    with ExitStack() as stack:
        for context in _around_dispatch:
            stack.enter_context(context())
        for entry in entries:
            if entry.event_id is None and _run_deferred(entry):
                finished += 1
        finished += _run_event_entries([entry for entry in entries if entry.event_id is not None])
    return finished


def _claim_many(ids: list[int], now: datetime, *, take_along: bool = True) -> list[PendingEffect]:
    """Lease these entries, and fresh ones of other transactions, to this dispatch.

    One conditional UPDATE takes what is free; the entries it took are those now leased until
    exactly this dispatch's lease (another dispatch's lease differs, and an entry it took anyway
    would only run twice, which handlers allow).
    """
    lease = now + timedelta(seconds=lease_seconds())
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    room = _JOB_BATCH - len(ids) if take_along else 0
    wanted = Q(pk__in=ids)
    if room > 0:
        # Never tried and not held: their own job is still on its way (or was lost).
        fresh = list(PendingEffect.objects.filter(lease_until__isnull=True, attempts=0, failed=False)
                     .exclude(pk__in=ids).order_by("id").values_list("id", flat=True)[:room])
        if fresh:
            wanted |= Q(pk__in=fresh)
    claimed = PendingEffect.objects.filter(free, wanted, failed=False).update(
        lease_until=lease, attempts=F("attempts") + 1)
    if not claimed:
        return []
    return list(PendingEffect.objects.filter(wanted, lease_until=lease).order_by("id"))


def _claim(entry_id: int, now: datetime) -> PendingEffect | None:
    """Lease one entry (what a consumer does before it runs the entry's handlers)."""
    claimed = _claim_many([entry_id], now, take_along=False)
    return next((entry for entry in claimed if entry.pk == entry_id), None)


def _run_event_entries(entries: list[PendingEffect]) -> int:
    """Run each handler once over every entry that names it; finished entries are deleted."""
    from edudesk.tickets.events import after_commit_batch, after_commit_handler

    if not entries:
        return 0
    # With what most handlers read first: the service, the requester the customer's mail goes
    # to, and the description (the opening message's text).
    loaded = (Event.objects.select_related("ticket", "ticket__service", "ticket__requester")
              .annotate(ticket_description=selectors.description("ticket"))
              .in_bulk([entry.event_id for entry in entries]))
    for event in loaded.values():
        event.ticket.description = event.ticket_description
    remaining = {entry.pk: list(entry.handlers) for entry in entries}
    failed: set[int] = set()
    names = list(dict.fromkeys(name for entry in entries for name in entry.handlers))
    for name in names:
        owing = [entry for entry in entries if entry.pk not in failed and name in remaining[entry.pk]]
        handler = after_commit_handler(name)
        if handler is None:
            log.error("event handler %s is not registered; dropped for events %s", name,
                      [entry.event_id for entry in owing])
        else:
            with_event = [entry for entry in owing if entry.event_id in loaded]
            failed |= _run_handler(name, handler, after_commit_batch(name), with_event, loaded,
                                   remaining)
        for entry in owing:
            if entry.pk not in failed:
                remaining[entry.pk].remove(name)
    done = [entry.pk for entry in entries if entry.pk not in failed]
    if done:
        PendingEffect.objects.filter(pk__in=done).delete()
    return len(done)


def _run_handler(name: str, handler, batch, entries: list[PendingEffect], loaded: dict,
                 remaining: dict[int, list[str]]) -> set[int]:
    """Run one handler for these entries' events; the entries whose run failed."""
    if batch is not None and len(entries) > 1:
        try:
            batch([loaded[entry.event_id] for entry in entries])
            return set()
        except Exception:  # one bad event must not hold the others: each on its own below
            log.warning("batch handler %s failed; running it event by event", name, exc_info=True)
    failed = set()
    for entry in entries:
        try:
            handler(loaded[entry.event_id])
        except Exception as error:  # any failure: the sweep retries it
            _record_failure(entry, remaining[entry.pk], error, name)
            failed.add(entry.pk)
    return failed


def _run_deferred(entry: PendingEffect) -> bool:
    """A deferred call, in one transaction with the entry's removal: done once, or not at all."""
    fn = _durable.get(entry.handlers[0]) if entry.handlers else None
    if fn is None:
        log.error("deferred job %s is not registered; dropped", entry.handlers)
        PendingEffect.objects.filter(pk=entry.pk).delete()
        return True
    try:
        with transaction.atomic():
            fn(**entry.payload)
            PendingEffect.objects.filter(pk=entry.pk).delete()
    except Exception as error:  # any failure: the sweep retries it
        _record_failure(entry, entry.handlers, error)
        return False
    return True


def retry_delay(attempts: int) -> int:
    return min(30 * 2 ** max(attempts - 1, 0), _MAX_RETRY_DELAY_SECONDS)


def _record_failure(entry: PendingEffect, remaining: list[str], error: Exception,
                    name: str | None = None) -> None:
    detail = f"{name or remaining[0]}: {type(error).__name__}: {error}"[:2000]
    gave_up = entry.attempts >= MAX_ATTEMPTS
    log.log(logging.ERROR if gave_up else logging.WARNING,
            "event %s side effect failed (attempt %s%s): %s", entry.event_id, entry.attempts,
            ", given up" if gave_up else "", detail, exc_info=error)
    PendingEffect.objects.filter(pk=entry.pk).update(
        handlers=remaining, last_error=detail, lease_until=None, failed=gave_up,
        run_after=timezone.now() + timedelta(seconds=retry_delay(entry.attempts)),
    )


def due_ids(now: datetime) -> list[int]:
    """Unfinished entries whose grace period or back-off is over and that no dispatch holds."""
    return list(PendingEffect.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), failed=False, run_after__lte=now,
    ).order_by("run_after", "id").values_list("id", flat=True)[:_SWEEP_BATCH])


def sweep(now: datetime | None = None) -> int:
    """Dispatch again every unfinished entry that is due and free; returns how many."""
    now = now or timezone.now()
    due = due_ids(now)
    if not due:
        return 0
    # Not again before the jobs had time to run: a backlog must not be queued twice a minute.
    PendingEffect.objects.filter(pk__in=due).update(
        run_after=now + timedelta(seconds=lease_seconds()))
    _enqueue(due)
    return len(due)


def retry_failed(ids: Iterable[int]) -> int:
    """Give failed entries a fresh set of attempts (an administrator's decision)."""
    ids = list(ids)
    count = PendingEffect.objects.filter(pk__in=ids, failed=True).update(
        failed=False, attempts=0, lease_until=None, run_after=timezone.now())
    transaction.on_commit(lambda: _enqueue(ids))
    return count
