"""Periodic Huey jobs of the SLA app: the escalation sweep and the auto-close of answers."""

import logging
from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from edudesk.sla.autoclose import close_silent_answers
from edudesk.sla.escalation import sweep

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def sla_sweep(now: datetime | None = None) -> None:
    result = sweep(now or timezone.now())
    if result.warned or result.escalated:
        log.info("sla sweep: %s warned, %s escalated", result.warned, result.escalated)


@db_periodic_task(crontab(minute="*/10"))
def sla_auto_close(now: datetime | None = None) -> None:
    closed = close_silent_answers(now or timezone.now())
    if closed:
        log.info("auto-closed answered tickets: %s", ", ".join(closed))
