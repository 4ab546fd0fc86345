"""Huey jobs of the ticket domain."""

import logging

from huey.contrib.djhuey import db_task

from edudesk.tickets import events
from edudesk.tickets.models import Event

log = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=30)
def run_event_handler(name: str, event_id: int) -> None:
    """Run one after-commit subscriber for one event (retried on failure, never skipped)."""
    handler = events.after_commit_handler(name)
    if handler is None:
        log.error("event handler %s is not registered; event %s left unhandled", name, event_id)
        return
    event = Event.objects.select_related("ticket", "ticket__service").filter(pk=event_id).first()
    if event is None:
        return
    handler(event)
