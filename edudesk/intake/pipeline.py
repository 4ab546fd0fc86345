"""The one intake pipeline: every channel's Submission goes through these steps, in order.

normalise → basic checks (channel, priority) → the service's form schema and the screenshot
policy (``check``) → resolve the requester → open a ticket, or add to the existing one.

Web, widget and a customer's API call are strict: anything missing or malformed refuses the
submission and nothing is stored. Mail (``register_incomplete``) and an agent registering a
caller's request are lenient: the request is registered, the missing data is listed in the
outcome (so the channel can ask for it), refused files are reported and not stored.
"""

import dataclasses
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edudesk.incidents import intake as known_problems
from edudesk.intake import categorize, limits, repeats
from edudesk.intake import requester as requesters
from edudesk.intake.attachments import DEFAULT_POLICY, AcceptedImage, Upload, check_uploads
from edudesk.intake.limits import oversized_text
from edudesk.intake.multiproblem import detect_problems
from edudesk.intake.schema import FormSchema
from edudesk.intake.submission import Outcome, OutcomeKind, Submission
from edudesk.intake.validation import (
    CATEGORY_ERROR_KEY,
    DEFAULT_FILE_FIELD,
    ValidationResult,
    email_error,
    is_email,
    validate_submission,
)
from edudesk.tickets import policy
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Channel, Message, Priority
from edudesk.tickets.status import ActorKind, Status
from edudesk.tickets.types import Actor, NewAttachment

FALLBACK_CATEGORY = "other"
# Channels that register a request with several problems as one ticket, flagged for the agent.
ONE_TICKET_CHANNELS = frozenset({Channel.EMAIL, Channel.API})
PROBLEMS_KEY = "problems"
# Channels whose submission is stored without the files the screenshot policy refused: a letter
# and a caller's consultation cannot be sent again as they were (the refusal is reported).
KEEPS_GOING_WITHOUT_FILES = frozenset({Channel.EMAIL, Channel.PHONE, Channel.MESSENGER})


@dataclass
class Checked:
    """The result of checking a new submission against its service's schema."""

    validation: ValidationResult
    category: str
    blocking: bool
    missing: list[str] = field(default_factory=list)
    # The submission as checked: cleaned values, the requester completed (a copy: ``check``
    # never changes what it was given).
    submission: Submission | None = None

    @property
    def images(self) -> list[AcceptedImage]:
        return self.validation.images

    @property
    def refused_files(self) -> list[tuple[str, str]]:
        return [(item.name, item.message) for item in self.validation.refused]


def submit(submission: Submission) -> Outcome:
    """Decide what becomes of a submission; store it only when it is acceptable."""
    submission = _copy(submission)
    _normalise(submission)
    errors = _basic_errors(submission)
    if errors:
        return Outcome(OutcomeKind.REFUSED, errors=errors)
    if submission.ticket is None:
        submission.ticket = repeats.repeated_ticket(submission)
        submission.repeat = submission.ticket is not None
    if submission.ticket is not None:
        return _follow_up(submission)
    _infer_category(submission)
    return register(submission, check(submission))


def _infer_category(submission: Submission) -> None:
    """A letter or an API call without a category is filed under the one its text reads as,
    and registered like a letter: what that kind of problem needs is asked for."""
    from edudesk.intake.services import schema_for

    if not categorize.infers_category(submission.channel, submission.category):
        return
    suggestion = categorize.suggest(submission.service, schema_for(submission.service),
                                    f"{submission.subject}\n{submission.description}")
    if suggestion is not None:
        submission.category, submission.category_suggestion = suggestion.category, suggestion
        # The requester never chose a category: what it needs is asked for, not refused (an
        # agent registering a caller's request is lenient anyway and asks the caller itself).
        submission.register_incomplete = submission.register_incomplete or not _is_lenient(submission)


def register(submission: Submission, checked: Checked) -> Outcome:
    """Store a new submission that ``check`` has judged, with the screenshots it re-encoded.

    For channels that check first and decide later (the web form shows similar tickets
    before registering), so the images are not decoded and re-encoded twice.
    """
    submission = checked.submission or submission
    errors = _basic_errors(submission)
    if checked.blocking:
        errors.update(checked.validation.errors if not _is_lenient(submission) else
                      {key: messages for key, messages in checked.validation.errors.items()
                       if submission.fields.get(key)})
    if checked.refused_files and _files_block(submission):
        errors.setdefault(DEFAULT_FILE_FIELD, [message for _name, message in checked.refused_files])
    errors.update(_requester_errors(submission))
    errors.update(limits.length_errors(submission))  # the requester as the form cleaned it
    if errors:
        return Outcome(OutcomeKind.REFUSED, errors=errors, refused_files=checked.refused_files)
    with transaction.atomic():
        requester = _resolve_requester(submission)
        actor = submission.actor or Actor.customer(requester)
        known = known_problems.known_problem(submission, requester)
        # The category the request named, when the service has it; otherwise none (the data
        # asked for is the fallback category's, and an agent or the classifier sets it): the
        # same on every channel, whether the data was complete or not.
        category = checked.category if checked.category == submission.category else ""
        if submission.consultation is not None:
            ticket = tickets.convert_consultation(
                submission.consultation, actor=actor, requester=requester,
                subject=submission.subject, description=submission.description,
                category=category, priority=submission.priority or Priority.NORMAL,
                fields=submission.fields, event_data=known_problems.event_data(known))
        else:
            ticket = tickets.open_ticket(
                service=submission.service, requester=requester, subject=submission.subject,
                description=submission.description, channel=submission.channel,
                category=category, priority=submission.priority or Priority.NORMAL,
                fields=submission.fields, actor=actor, external_id=submission.external_id,
                body_html=submission.body_html,
                attachments=[new_attachment(image) for image in checked.images],
                event_data={**_refusals(checked.refused_files),
                            **_intake_findings(submission, checked),
                            **known_problems.event_data(known)},
            )
        if checked.missing and submission.register_incomplete:
            # «Техподдержке требуется уточнение»: the registration notice lists what is missing.
            tickets.request_clarification(ticket, actor=Actor.system(),
                                          body=missing_text(checked.missing), missing=checked.missing)
            ticket.refresh_from_db()
        # An active mass incident it belongs to: linked (after the data was asked for, so the
        # request still gets it), or suggested to the agent.
        child = known_problems.attach(ticket, known, chosen=bool(submission.incident_id))
        if child is not None:
            ticket.refresh_from_db()
        known_problems.remember(ticket, child)
    return Outcome(OutcomeKind.CREATED, ticket=ticket, refused_files=checked.refused_files,
                   missing=checked.missing, incident=child.incident if child else None)


def _intake_findings(submission: Submission, checked: Checked) -> dict:
    """What the intake noticed about a new request, kept on its CREATED event for the desk and
    the registration notice: the inferred category, and several problems in one request on the
    channels that register such a request as one ticket (the web form and the widget offer the
    split to the user before registering instead)."""
    findings = {}
    if submission.category_suggestion is not None:
        findings[categorize.SUGGESTION_KEY] = submission.category_suggestion.as_data()
    if submission.channel in ONE_TICKET_CHANNELS:
        problems = detect_problems(submission.description)
        if problems is not None:
            findings[PROBLEMS_KEY] = list(problems.items)
    return findings


def missing_text(missing: list[str]) -> str:
    items = "\n".join(f"- {label}" for label in missing)
    return _("Чтобы специалист мог найти ошибку, не хватает данных:\n%(items)s\n"
             "Ответьте, пожалуйста, на письмо и укажите их.") % {"items": items}


def check(submission: Submission, schema: FormSchema | None = None) -> Checked:
    """Validate a new submission against the service's schema and the screenshot policy.

    Returns, in ``Checked.submission``, a copy with the cleaned values: the description, the
    requester's data (``intake.requester``) and ``fields`` (the data the ticket keeps). The
    submission given is left as it was.
    """
    from edudesk.intake.services import schema_for

    submission = _copy(submission)
    _normalise(submission)
    submission.requester = requesters.with_known(submission.service, submission.requester,
                                                 submission.found_contacts)
    schema = schema or schema_for(submission.service)
    lenient = _is_lenient(submission)
    category = submission.category
    if lenient and not schema.has_category(category):
        category = FALLBACK_CATEGORY if schema.has_category(FALLBACK_CATEGORY) else category
    values, context = _values_and_context(schema, category, submission)
    result = validate_submission(
        schema, category, values, _uploads(submission), context=context, policy=DEFAULT_POLICY
    )
    _apply_cleaned(schema, category, submission, result, keep_raw=lenient)
    missing = []
    # Data that was given but is malformed (an e-mail without @): refused on every channel a
    # person can correct (forms, API, an agent registering a caller), kept from mail.
    malformed = {key: messages for key, messages in result.errors.items()
                 if values.get(key) and key != "description" and not submission.register_incomplete}
    if lenient and result.errors:
        # A refused file is reported as refused, not as missing data.
        refusals = {item.message for item in result.refused}
        labels = {spec.key: spec.label.get(get_language()) for spec in schema.fields_for(category)}
        missing = [labels[key] for key, messages in result.errors.items()
                   if key in labels and any(m not in refusals for m in messages)]
    blocking = (bool(result.errors) and not lenient) or bool(malformed)
    return Checked(validation=result, category=category, blocking=blocking,
                   missing=[label for label in missing if label not in _labels(schema, category,
                                                                                malformed)],
                   submission=submission)


def _labels(schema: FormSchema, category: str, keys) -> set[str]:
    language = get_language()
    return {spec.label.get(language) for spec in schema.fields_for(category) if spec.key in keys}


def _copy(submission: Submission) -> Submission:
    return dataclasses.replace(
        submission, requester=dataclasses.replace(submission.requester),
        fields=dict(submission.fields or {}), files=list(submission.files),
        meta=dict(submission.meta or {}))


def _files_block(submission: Submission) -> bool:
    """Whether a refused file refuses the whole submission (nothing stored).

    Everywhere except mail (the sender cannot resend it as a form: the request is registered
    and the refusal explained) and an agent registering a caller's consultation in the desk
    (shown the refused files there). An API client, agent or customer, and an agent writing in
    the desk get the refusal and can send the message again.
    """
    return submission.channel not in KEEPS_GOING_WITHOUT_FILES


def _is_lenient(submission: Submission) -> bool:
    agent = submission.actor is not None and submission.actor.kind == ActorKind.AGENT
    return submission.register_incomplete or agent


def _values_and_context(schema: FormSchema, category: str, submission: Submission):
    values = {k: v for k, v in submission.fields.items() if isinstance(v, str)}
    values["description"] = submission.description
    context = {}
    specs = schema.fields_for(category) if schema.has_category(category) else schema.common
    who = submission.requester
    if submission.category_suggestion is not None:
        # A letter (or an API text) is prose: it stands for its inferred category's free-text
        # fields (the steps, the details); the structured data it lacks is what gets asked.
        for spec in schema.fields_for(category) if schema.has_category(category) else ():
            if spec.type == "textarea" and not values.get(spec.key):
                values[spec.key] = submission.description
    # The widget's verified token claims (keyed like the schema's context keys), when present.
    signed = submission.meta.get("signed_context") or {}
    for spec in specs:
        attribute = requesters.attribute_for(spec)
        known = signed.get(spec.context_key, "") if spec.context_key else ""
        known = known or (getattr(who, attribute, "") if attribute else "")
        if known and not values.get(spec.key):
            values[spec.key] = known
        if spec.key in submission.locked_fields and spec.context_key and known:
            context[spec.context_key] = known
    return values, context


def _apply_cleaned(schema: FormSchema, category: str, submission: Submission,
                   result: ValidationResult, keep_raw: bool) -> None:
    """Write the cleaned values back; a lenient channel also keeps what it could not clean."""
    cleaned = result.cleaned
    raw = dict(submission.fields) if keep_raw else {}
    if cleaned.get("description"):
        submission.description = cleaned["description"]
    specs = schema.fields_for(category) if schema.has_category(category) else schema.common
    submission.requester = requesters.combine(submission.requester,
                                              requesters.described(specs, cleaned))
    # The ticket keeps the data as the channel submitted it; what came from the requester's
    # record (the API's requester object, the widget token) lives on the contact.
    submitted = set(submission.fields)
    merged = {**raw, **{k: v for k, v in cleaned.items() if k in submitted or k in result.locked}}
    submission.fields = {key: value for key, value in merged.items() if key != "description"}
    submission.locked_fields = result.locked
    if not submission.subject and submission.description:
        submission.subject = submission.description.splitlines()[0][:120]


def _uploads(submission: Submission) -> list[Upload]:
    return [Upload(f.name, f.content, f.declared_type) for f in submission.files]


def new_attachment(image: AcceptedImage) -> NewAttachment:
    return NewAttachment(
        name=f"screenshot{image.extension}", content=image.data, content_type=image.content_type,
        width=image.width, height=image.height, original_name=image.original_name[:255],
    )


def _follow_up(submission: Submission) -> Outcome:
    """A message on an existing ticket, whoever writes it and wherever: a customer's reply
    (portal, mail, API), an agent's answer, note or request for clarification (desk, API).

    The screenshot policy applies per message. A status move asked with the message
    (``then_status``) is part of the same change, at the same moment, so the customer is told
    by the message's one mail (``mail.notifications``); «Техподдержке требуется уточнение»
    makes the message the request for clarification, its screenshots included.
    """
    accepted, refused = check_uploads(_uploads(submission))
    refused_files = [(item.name, item.message) for item in refused]
    if refused and _files_block(submission):
        return Outcome(OutcomeKind.REFUSED, errors={DEFAULT_FILE_FIELD: [m for _n, m in refused_files]},
                       refused_files=refused_files)
    errors = _follow_up_errors(submission, accepted)
    if errors:
        return Outcome(OutcomeKind.REFUSED, refused_files=refused_files, errors=errors)
    now = timezone.now()
    with transaction.atomic():
        ticket = submission.ticket
        actor = submission.actor or Actor.customer(ticket.requester)
        attachments = [new_attachment(image) for image in accepted]
        if submission.then_status == Status.NEEDS_CLARIFICATION:
            message = tickets.request_clarification(
                ticket, actor=actor, body=submission.description, missing=submission.asked,
                attachments=attachments, channel=submission.channel, now=now,
                seen_version=submission.seen_version)
        else:
            message = tickets.add_message(
                ticket, actor=actor, body=submission.description, body_html=submission.body_html,
                channel=submission.channel, external_id=submission.external_id,
                attachments=attachments, now=now, seen_version=submission.seen_version,
                kind=Message.Kind.INTERNAL if submission.internal else Message.Kind.PUBLIC,
                event_data={**_refusals(refused_files),
                            **({"repeat": True} if submission.repeat else {})},
            )
            _move_after_message(message.ticket, submission.then_status, actor, now)
    target = policy.reply_target(ticket) if actor.kind == ActorKind.CUSTOMER else ticket
    if message.ticket_id != target.pk:
        # The closed ticket did not take the message: it opened a new one (tickets.policy).
        return Outcome(OutcomeKind.CREATED, ticket=message.ticket, message=message,
                       refused_files=refused_files, continues=target.number)
    return Outcome(OutcomeKind.ADDED, ticket=message.ticket, message=message,
                   refused_files=refused_files,
                   repeat_of=message.ticket.number if submission.repeat else "")


def _follow_up_errors(submission: Submission, accepted: list[AcceptedImage]) -> dict[str, list[str]]:
    if not submission.description and not accepted:
        return {"description": [_("Сообщение пустое: напишите текст или приложите снимок экрана.")]}
    if submission.then_status == Status.NEEDS_CLARIFICATION and submission.internal:
        return {"status": [_("Запрос уточнения — публичное сообщение, не внутренняя заметка.")]}
    return {}


def _move_after_message(ticket, target: str, actor: Actor, now) -> None:
    """The status the writer chose for after the message, unless the message already moved it."""
    if not target:
        return
    ticket.refresh_from_db(fields=["status"])
    if ticket.status != target:
        tickets.transition(ticket, target, actor=actor, now=now)


def _refusals(refused_files: list[tuple[str, str]]) -> dict:
    """What the event keeps of refused files: the rules that refused them, for the notice."""
    return {"refused_files": [message for _name, message in refused_files]} if refused_files else {}


def _normalise(submission: Submission) -> None:
    submission.description = (submission.description or "").strip()
    submission.subject = (submission.subject or "").strip()
    if not submission.subject and submission.description:
        first_line = submission.description.splitlines()[0]
        submission.subject = first_line[:120]
    submission.fields = {k: v.strip() if isinstance(v, str) else v
                         for k, v in (submission.fields or {}).items()}
    if submission.channel == Channel.EMAIL:
        limits.fit(submission)  # a letter cannot be sent back to be shortened


def _basic_errors(submission: Submission) -> dict[str, list[str]]:
    errors = oversized_text(submission.description, submission.fields, submission.channel)
    if submission.channel not in Channel.values:
        errors["channel"] = [_("Неизвестный канал обращения.")]
    if submission.priority and submission.priority not in Priority.values:
        errors["priority"] = [_("Неизвестный приоритет.")]
    if submission.then_status and submission.then_status not in Status.values:
        errors["status"] = [_("Неизвестный статус «%(status)s».") % {"status": submission.then_status}]
    errors.update(limits.length_errors(submission))
    return errors


def _requester_errors(submission: Submission) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not submission.description:
        errors["description"] = [_("Опишите суть вопроса.")]
    who = submission.requester
    if not (who.email or who.phone or who.login):
        errors["requester"] = [_("Укажите контактные данные: адрес электронной почты или телефон.")]
    elif who.email and not is_email(who.email):
        # The form's fields are checked by their schema; an API client's or a widget token's
        # requester is not: an address no mail reaches would fail every acknowledgement.
        errors["requester"] = [email_error()]
    return errors


def _resolve_requester(submission: Submission):
    return requesters.resolve(submission.service, submission.requester, submission.found_contacts)


__all__ = ["CATEGORY_ERROR_KEY", "Checked", "check", "register", "submit"]
