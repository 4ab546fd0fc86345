"""The periodic fold of new facts into the daily figures."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from edudesk.reports.folding import fold
from edudesk.reports.summaries import send_due

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def fold_report_facts() -> None:
    folded = fold()
    if folded:
        log.debug("reports: %s facts folded", folded)


@db_periodic_task(crontab(minute="15"))
def send_report_summaries() -> None:
    sent = send_due()
    if sent:
        log.info("reports: %s summaries queued", sent)
