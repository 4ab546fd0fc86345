"""Huey jobs of the ticket domain: running the outbox (tickets/outbox.py)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from edudesk.tickets import outbox


@db_task()
def dispatch_effects_job(entry_ids: list[int]) -> None:
    """Run the after-commit handlers one transaction (or one sweep) left in the outbox.

    No Huey retries: a failure stays in the outbox, where the sweep retries it with back-off.
    """
    outbox.dispatch(entry_ids)


@db_periodic_task(crontab(minute="*"))
def effects_sweep() -> None:
    """Every minute: dispatch again what a killed process or a failure left unfinished."""
    outbox.sweep()
