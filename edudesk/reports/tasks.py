"""The periodic fold of new facts into the daily figures."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from edudesk.reports.folding import fold

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def fold_report_facts() -> None:
    folded = fold()
    if folded:
        log.debug("reports: %s facts folded", folded)
