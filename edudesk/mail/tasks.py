"""Huey jobs of the mail channel: polling mailboxes and sending mail."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes_job() -> None:
    """Every minute: start a poll for each mailbox whose interval has passed and that is free."""
    from edudesk.mail.imap import claim_due_mailboxes

    for mailbox_id in claim_due_mailboxes():
        poll_mailbox_job(mailbox_id)


@db_task()
def poll_mailbox_job(mailbox_id: int) -> None:
    from edudesk.mail.imap import poll_claimed_mailbox

    poll_claimed_mailbox(mailbox_id)


@db_task()
def send_outbound_job(outbound_id: int) -> None:
    """One delivery attempt; failures reschedule themselves with backoff (see outbound.py)."""
    from edudesk.mail.outbound import send_outbound

    send_outbound(outbound_id)


@db_task()
def send_outbound_many_job(outbound_ids: list[int]) -> None:
    """The mails one outbox job composed, over one SMTP connection (see outbound.py)."""
    from edudesk.mail.outbound import send_outbound_many

    send_outbound_many(outbound_ids)


@db_periodic_task(crontab(minute="*"))
def requeue_stalled_outbound_job() -> None:
    """Every minute: queue again the mails whose sending job a killed consumer lost."""
    from edudesk.mail.outbound import requeue_stalled

    requeue_stalled()
