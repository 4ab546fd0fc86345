"""Periodic intake jobs: retrain the category models of services that have new examples."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/15"))
def retrain_category_models() -> None:
    """Every quarter of an hour: each service whose agents corrected or confirmed categories
    since its model was trained gets a new model (a second or so per service)."""
    from edudesk.intake.categorize import services_due_for_training, train_service
    from edudesk.intake.services import schema_for

    for service in services_due_for_training():
        row = train_service(service, schema_for(service))
        log.info("category model of %s retrained on %d examples", service.code, row.examples)


@db_periodic_task(crontab(minute="*/10"))
def sweep_pending_uploads() -> None:
    """Every ten minutes: screenshots kept for forms that were never sent again are removed."""
    from edudesk.intake.pending_uploads import sweep

    removed = sweep()
    if removed:
        log.info("%d abandoned pending screenshots removed", removed)
