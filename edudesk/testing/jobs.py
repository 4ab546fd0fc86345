"""Background jobs in tests: run the ones scheduled for later, or keep new ones queued.

Tests run Huey in immediate mode (``conftest.py``): a job runs as soon as it is queued, and a
job scheduled for later (a mail's next delivery attempt) waits in Huey's in-memory schedule.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from huey.contrib.djhuey import HUEY


def run_scheduled_jobs(after: timedelta = timedelta(hours=2)) -> int:
    """Run every job scheduled to run within `after` from now, as the consumer would then."""
    moment = HUEY._get_timestamp() + after
    due = HUEY.read_schedule(moment)
    for task in due:
        HUEY.execute(task, timestamp=moment)
    return len(due)


def forget_scheduled_jobs() -> None:
    HUEY.storage.flush_all()


@contextlib.contextmanager
def jobs_kept_queued():
    """Jobs queued inside the block are kept, not run; yields the list they are read into."""
    storage = HUEY.storage
    storage.flush_all()
    HUEY._immediate = False  # keep the in-memory storage of immediate mode
    queued: list = []
    try:
        yield queued
    finally:
        queued.extend(HUEY.pending())
        storage.flush_all()
        HUEY._immediate = True
