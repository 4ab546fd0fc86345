"""Huey jobs of mass incidents: the desk's proposals, an update told to every child."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from edudesk.accounts.models import Service
from edudesk.incidents import fan_out, proposals


@db_periodic_task(crontab(minute="*/5"))
def propose_incidents_job() -> None:
    """Every five minutes: similar requests from several organisations become a proposal."""
    for service in Service.objects.filter(is_active=True):
        proposals.propose(service)


@db_task()
def fan_out_job(update_id: int) -> None:
    """An update or a resolution posted to the incident's children, batch by batch."""
    fan_out.run(update_id)


@db_periodic_task(crontab(minute="*"))
def resume_fan_outs_job() -> None:
    """Every minute: an update whose job was lost (a killed consumer) is taken up again."""
    fan_out.resume_due()
