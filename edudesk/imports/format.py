"""The import file: one ticket per line (JSON Lines), format version 1 (docs/import.md).

``parse(number, text, context)`` turns one line into a ``TicketRecord`` or raises
``LineError`` with a message naming what is wrong. Everything that could refuse a ticket is
checked here, before anything is written: the service, the people named, the timestamps, and
every status move against the status table (``tickets.status``), so a chunk that starts
writing writes every ticket it holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from edudesk.accounts.models import Service, SupportGroup, User
from edudesk.intake.submission import RequesterData
from edudesk.sla.calendars import hours_for
from edudesk.tickets import policy
from edudesk.tickets.errors import InvalidOperation
from edudesk.tickets.models import Channel, Message, Priority
from edudesk.tickets.status import ActorKind, Status, can_transition
from edudesk.tickets.types import Actor

VERSION = 1
MAX_REFERENCE = 100
REQUESTER_KEYS = frozenset(f.name for f in RequesterData.__dataclass_fields__.values())
MESSAGE_KINDS = {Message.Kind.PUBLIC, Message.Kind.INTERNAL}


class LineError(ValueError):
    """A line that cannot be imported; the message says why (nothing of it is written)."""


@dataclass
class Step:
    """One thing that happened to the ticket after it was opened: a message or a status move."""

    at: datetime
    actor: ActorKind
    agent: User | None = None
    # A message:
    body: str = ""
    kind: str = ""
    channel: str = ""
    # A status move:
    status: str = ""
    reason: str = ""
    comment: str = ""

    @property
    def is_message(self) -> bool:
        return not self.status


@dataclass
class TicketRecord:
    line: int
    reference: str
    service: Service
    created_at: datetime
    channel: str
    subject: str
    description: str
    requester: RequesterData
    category: str = ""
    priority: str = Priority.NORMAL
    fields: dict = field(default_factory=dict)
    group: SupportGroup | None = None
    assignee: User | None = None
    steps: list[Step] = field(default_factory=list)
    status: str = Status.REGISTERED
    auto_close_working_days: int = 0  # the service's (``sla.autoclose``)


class Context:
    """Services, lines and agents by the names a file uses, read once per import."""

    def __init__(self, now: datetime):
        self.now = now
        self.services = {s.code: s for s in Service.objects.all()}
        self.groups: dict[tuple[int, str], SupportGroup] = {}
        self.default_groups: dict[int, SupportGroup | None] = {}
        for group in SupportGroup.objects.order_by("id"):
            self.groups[(group.service_id, group.name)] = group
            if group.is_default:
                self.default_groups.setdefault(group.service_id, group)
        # Inactive accounts too: agents who have left still wrote their part of the history.
        self.agents = {u.username: u for u in User.objects.all()}
        self.auto_close = {service.pk: hours_for(service).auto_close_working_days
                           for service in self.services.values()}

    def agent(self, username, where: str) -> User | None:
        if username in (None, ""):
            return None
        agent = self.agents.get(str(username))
        if agent is None:
            raise LineError(f"{where}: no agent with the username {username!r} (create the agents first)")
        return agent


def parse(number: int, text: str, context: Context) -> TicketRecord:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise LineError(f"not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise LineError("a line must be a JSON object")
    if data.get("version") != VERSION:
        raise LineError(f"version must be {VERSION} (got {data.get('version')!r})")
    reference = _text(data, "ref", required=True)
    if len(reference) > MAX_REFERENCE:
        raise LineError(f"ref is longer than {MAX_REFERENCE} characters")
    service = context.services.get(_text(data, "service", required=True))
    if service is None:
        raise LineError(f"no service with the code {data['service']!r}")
    created = _moment(data.get("created_at"), "created_at", context.now)
    record = TicketRecord(
        line=number, reference=reference, service=service, created_at=created,
        channel=_choice(data, "channel", Channel.values, default=None),
        subject=_text(data, "subject"), description=_text(data, "description", required=True),
        requester=_requester(data.get("requester")),
        category=_text(data, "category")[:40],
        priority=_choice(data, "priority", Priority.values, default=Priority.NORMAL),
        fields=_object(data, "fields"),
        group=_group(data.get("group"), service, context),
        assignee=context.agent(data.get("assignee"), "assignee"),
    )
    record.auto_close_working_days = context.auto_close[service.pk]
    record.steps = _steps(data, record, context)
    record.status = _replay_statuses(record)
    stated = data.get("status")
    if stated not in (None, "") and stated != record.status:
        raise LineError(f"status is {stated!r} but the status history ends in {record.status!r}")
    return record


def _text(data: dict, key: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        raise LineError(f"{key} must be a string")
    value = str(value).strip()
    if required and not value:
        raise LineError(f"{key} is required")
    return value


def _choice(data: dict, key: str, allowed, *, default):
    value = data.get(key) or default
    if value not in allowed:
        raise LineError(f"{key} must be one of {', '.join(sorted(allowed))} (got {value!r})")
    return value


def _object(data: dict, key: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise LineError(f"{key} must be an object")
    return value


def _moment(raw, where: str, now: datetime) -> datetime:
    if not isinstance(raw, str):
        raise LineError(f"{where} is required (ISO 8601 with a time zone)")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise LineError(f"{where}: {raw!r} is not an ISO 8601 moment") from None
    if moment.tzinfo is None:
        raise LineError(f"{where}: {raw!r} has no time zone (write +03:00 or Z)")
    if moment > now:
        raise LineError(f"{where}: {raw!r} is in the future")
    return moment.astimezone(UTC)  # as the product keeps every moment


def _requester(raw) -> RequesterData:
    if not isinstance(raw, dict):
        raise LineError("requester is required: an object with email, login or phone")
    unknown = set(raw) - REQUESTER_KEYS
    if unknown:
        raise LineError(f"requester: unknown keys {', '.join(sorted(unknown))}")
    who = RequesterData(**{key: str(value or "").strip() for key, value in raw.items()})
    if not (who.email or who.login or who.phone):
        raise LineError("requester needs an email, a login or a phone")
    return who


def _group(name, service: Service, context: Context) -> SupportGroup | None:
    if name in (None, ""):
        return context.default_groups.get(service.pk)
    group = context.groups.get((service.pk, str(name)))
    if group is None:
        raise LineError(f"group: the service {service.code!r} has no line named {name!r}")
    return group


def _actor(raw, where: str, allowed: set[str]) -> ActorKind:
    value = raw or ""
    if value not in allowed:
        raise LineError(f"{where}: by must be one of {', '.join(sorted(allowed))} (got {value!r})")
    return ActorKind(value)


def _steps(data: dict, record: TicketRecord, context: Context) -> list[Step]:
    """Messages and status moves in time order (at the same moment, messages first)."""
    steps: list[tuple[datetime, int, int, Step]] = []
    for order, (key, parse_one) in enumerate((("messages", _message), ("history", _move))):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise LineError(f"{key} must be a list")
        for n, item in enumerate(items):
            where = f"{key}[{n}]"
            if not isinstance(item, dict):
                raise LineError(f"{where} must be an object")
            step = parse_one(item, where, context)
            step.at = _moment(item.get("at"), f"{where}.at", context.now)
            if step.at < record.created_at:
                raise LineError(f"{where}.at is before created_at")
            steps.append((step.at, order, n, step))
    return [step for *_key, step in sorted(steps, key=lambda s: s[:3])]


def _message(item: dict, where: str, context: Context) -> Step:
    actor = _actor(item.get("by"), where, {ActorKind.AGENT, ActorKind.CUSTOMER})
    kind = item.get("kind") or Message.Kind.PUBLIC
    if kind not in MESSAGE_KINDS or (actor == ActorKind.CUSTOMER and kind != Message.Kind.PUBLIC):
        raise LineError(f"{where}: kind must be public, or internal for an agent's note")
    body = item.get("body")
    if not isinstance(body, str) or not body.strip():
        raise LineError(f"{where}: body is required")
    channel = item.get("channel") or ""
    if channel and channel not in Channel.values:
        raise LineError(f"{where}: channel {channel!r} is not one of {', '.join(Channel.values)}")
    agent = None
    if actor == ActorKind.AGENT:
        # A reply is shown with its author's name; without one it would read as the system's.
        agent = context.agent(item.get("agent"), where)
        if agent is None:
            raise LineError(f"{where}: an agent's message needs the agent's username")
    return Step(at=None, actor=actor, agent=agent, body=body, kind=kind, channel=channel)


def _move(item: dict, where: str, context: Context) -> Step:
    actor = _actor(item.get("by"), where, {ActorKind.AGENT, ActorKind.CUSTOMER, ActorKind.SYSTEM})
    status = item.get("status")
    if status not in Status.values:
        raise LineError(f"{where}: status must be one of {', '.join(Status.values)} (got {status!r})")
    reason, comment = str(item.get("reason") or ""), str(item.get("comment") or "").strip()
    if reason or comment:
        try:
            policy.check_close_reason(status, reason, comment, Actor(actor))
        except InvalidOperation as error:
            raise LineError(f"{where}: reason: {error}") from None
    agent = context.agent(item.get("agent"), where) if actor == ActorKind.AGENT else None
    return Step(at=None, actor=actor, agent=agent, status=status, reason=reason, comment=comment)


def _replay_statuses(record: TicketRecord) -> str:
    """The status the moves lead to; every move must be one the status table allows its actor."""
    status = Status.REGISTERED
    for n, step in enumerate(s for s in record.steps if not s.is_message):
        if not can_transition(status, step.status, step.actor):
            raise LineError(f"history[{n}]: {status} → {step.status} is not a move the {step.actor} "
                            f"may make (tickets.status.TRANSITIONS)")
        status = Status(step.status)
    return status
