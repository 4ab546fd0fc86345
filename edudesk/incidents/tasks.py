"""Huey jobs of mass incidents: the desk's proposals."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from edudesk.accounts.models import Service
from edudesk.incidents import proposals


@db_periodic_task(crontab(minute="*/5"))
def propose_incidents_job() -> None:
    """Every five minutes: similar requests from several organisations become a proposal."""
    for service in Service.objects.filter(is_active=True):
        proposals.propose(service)
