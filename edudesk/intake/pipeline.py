"""The one intake pipeline: every channel's Submission goes through these steps, in order.

normalise → resolve the requester → validate (form schema) → attachments policy →
open a ticket or add to the existing one.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from edudesk.accounts.services import find_or_create_contact, find_or_create_organisation
from edudesk.intake.submission import Outcome, OutcomeKind, Submission
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Channel, Priority
from edudesk.tickets.types import Actor


def submit(submission: Submission) -> Outcome:
    """Decide what becomes of a submission; store it only when it is acceptable."""
    _normalise(submission)
    errors = _validate(submission)
    if errors:
        return Outcome(OutcomeKind.REFUSED, errors=errors)
    with transaction.atomic():
        requester = _resolve_requester(submission)
        actor = submission.actor or Actor.customer(requester)
        if submission.ticket is not None:
            message = tickets.add_message(
                submission.ticket, actor=actor, body=submission.description,
                body_html=submission.body_html, channel=submission.channel,
                external_id=submission.external_id,
            )
            return Outcome(OutcomeKind.ADDED, ticket=message.ticket, message=message)
        ticket = tickets.open_ticket(
            service=submission.service, requester=requester, subject=submission.subject,
            description=submission.description, channel=submission.channel,
            category=submission.category, priority=submission.priority or Priority.NORMAL,
            fields=submission.fields, actor=actor, external_id=submission.external_id,
            body_html=submission.body_html,
        )
    return Outcome(OutcomeKind.CREATED, ticket=ticket)


def _normalise(submission: Submission) -> None:
    submission.description = (submission.description or "").strip()
    submission.subject = (submission.subject or "").strip()
    if not submission.subject and submission.description:
        first_line = submission.description.splitlines()[0]
        submission.subject = first_line[:120]
    submission.fields = {k: v.strip() if isinstance(v, str) else v
                         for k, v in (submission.fields or {}).items()}


def _validate(submission: Submission) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if submission.channel not in Channel.values:
        errors["channel"] = [_("Неизвестный канал обращения.")]
    if submission.priority and submission.priority not in Priority.values:
        errors["priority"] = [_("Неизвестный приоритет.")]
    if not submission.description:
        errors["description"] = [_("Опишите суть вопроса.")]
    who = submission.requester
    if submission.ticket is None and not (who.email or who.phone or who.login):
        errors["requester"] = [_("Укажите контактные данные: адрес электронной почты или телефон.")]
    return errors


def _resolve_requester(submission: Submission):
    who = submission.requester
    organisation = find_or_create_organisation(submission.service, who.organisation,
                                               city=who.city, region=who.region)
    return find_or_create_contact(submission.service, email=who.email, full_name=who.full_name,
                                  phone=who.phone, login=who.login, role=who.role,
                                  organisation=organisation)
