"""Huey jobs of the API."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="3"))
def forget_idempotency_keys() -> None:
    """Daily: forget the Idempotency-Keys older than a day (api/idempotency.py)."""
    from edudesk.api.idempotency import forget_old

    forget_old()
