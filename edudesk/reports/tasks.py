"""The periodic fold of new facts into the daily figures, summaries by mail, list exports."""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from edudesk.reports import list_exports
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


@db_task()
def run_list_export(job_id: int) -> None:
    list_exports.run(job_id)


@db_periodic_task(crontab(minute="40"))
def sweep_list_exports() -> None:
    removed = list_exports.sweep(timezone.now())
    if removed:
        log.info("reports: %s expired list exports removed", removed)
