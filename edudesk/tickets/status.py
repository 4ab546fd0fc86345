"""The seed's nine statuses and the one table of allowed transitions."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REGISTERED = "registered", _("Обращение зарегистрировано")
    IN_PROCESSING = "in_processing", _("Обращение в обработке")
    NEEDS_CLARIFICATION = "needs_clarification", _("Техподдержке требуется уточнение")
    CLARIFICATION_SENT = "clarification_sent", _("Уточнение техподдержке отправлено")
    IN_WORK = "in_work", _("Обращение в работе")
    ANSWERED = "answered", _("Ответ техподдержки")
    CANCELLED = "cancelled", _("Обращение отменено")
    RESOLVED = "resolved", _("Вопрос решён")
    SUGGESTION = "suggestion", _("Предложения по СДО")


# What each status means to the customer, in the support guide's words (seed 2, «Статусы
# обращений»): the status mail and the portal say it next to the status's name.
MEANINGS: dict[str, str] = {
    Status.REGISTERED: _("Обращение добавлено в систему."),
    Status.IN_PROCESSING: _("Обращение просмотрено специалистом."),
    Status.NEEDS_CLARIFICATION: _("Специалисту не хватает данных, чтобы найти ошибку или "
                                  "воспроизвести ее."),
    Status.CLARIFICATION_SENT: _("Дополнительные данные получены."),
    Status.IN_WORK: _("Специалист занимается обращением."),
    Status.ANSWERED: _("Специалист ответил на обращение."),
    Status.CANCELLED: _("Обращение отменено заказчиком."),
    Status.RESOLVED: _("Обращение выполнено и закрыто."),
    Status.SUGGESTION: _("Обращение содержит предложения по доработке."),
}


def status_label(status: str) -> str:
    """The status's one name: the same in the queue, its filters, the ticket, the portal, the
    mail, the reports and the API (seed 2's names; a service cannot rename them)."""
    return str(Status(status).label)


class ActorKind(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"


A, C, S = ActorKind.AGENT, ActorKind.CUSTOMER, ActorKind.SYSTEM

# (from, to) -> who may make that move. Anything not listed is forbidden.
TRANSITIONS: dict[tuple[Status, Status], frozenset[ActorKind]] = {
    # An agent's first look at a new request.
    (Status.REGISTERED, Status.IN_PROCESSING): frozenset({A, S}),
    # The system asks at once when a mailed request lacks the service's required data.
    (Status.REGISTERED, Status.NEEDS_CLARIFICATION): frozenset({A, S}),
    (Status.REGISTERED, Status.IN_WORK): frozenset({A}),
    (Status.REGISTERED, Status.ANSWERED): frozenset({A}),
    (Status.REGISTERED, Status.SUGGESTION): frozenset({A}),
    (Status.REGISTERED, Status.RESOLVED): frozenset({A}),
    (Status.REGISTERED, Status.CANCELLED): frozenset({C, A, S}),
    # Reviewed.
    (Status.IN_PROCESSING, Status.NEEDS_CLARIFICATION): frozenset({A}),
    (Status.IN_PROCESSING, Status.IN_WORK): frozenset({A}),
    (Status.IN_PROCESSING, Status.ANSWERED): frozenset({A}),
    (Status.IN_PROCESSING, Status.SUGGESTION): frozenset({A}),
    (Status.IN_PROCESSING, Status.RESOLVED): frozenset({A}),
    (Status.IN_PROCESSING, Status.CANCELLED): frozenset({C, A, S}),
    # Waiting for the customer.
    (Status.NEEDS_CLARIFICATION, Status.CLARIFICATION_SENT): frozenset({C, S}),
    (Status.NEEDS_CLARIFICATION, Status.IN_WORK): frozenset({A}),
    (Status.NEEDS_CLARIFICATION, Status.ANSWERED): frozenset({A}),
    (Status.NEEDS_CLARIFICATION, Status.RESOLVED): frozenset({A}),
    (Status.NEEDS_CLARIFICATION, Status.CANCELLED): frozenset({C, A, S}),
    # The customer answered the clarification.
    (Status.CLARIFICATION_SENT, Status.IN_WORK): frozenset({A}),
    (Status.CLARIFICATION_SENT, Status.NEEDS_CLARIFICATION): frozenset({A}),
    (Status.CLARIFICATION_SENT, Status.ANSWERED): frozenset({A}),
    (Status.CLARIFICATION_SENT, Status.SUGGESTION): frozenset({A}),
    (Status.CLARIFICATION_SENT, Status.RESOLVED): frozenset({A}),
    (Status.CLARIFICATION_SENT, Status.CANCELLED): frozenset({C, A, S}),
    # Being worked on.
    (Status.IN_WORK, Status.NEEDS_CLARIFICATION): frozenset({A}),
    (Status.IN_WORK, Status.ANSWERED): frozenset({A}),
    (Status.IN_WORK, Status.SUGGESTION): frozenset({A}),
    (Status.IN_WORK, Status.RESOLVED): frozenset({A}),
    (Status.IN_WORK, Status.CANCELLED): frozenset({C, A, S}),
    # Answered: the customer confirms, writes back, or silence closes it.
    (Status.ANSWERED, Status.RESOLVED): frozenset({C, A, S}),
    (Status.ANSWERED, Status.IN_WORK): frozenset({C, A, S}),
    (Status.ANSWERED, Status.NEEDS_CLARIFICATION): frozenset({A}),
    (Status.ANSWERED, Status.CANCELLED): frozenset({C, A, S}),
    # Suggestions for the platform are parked, then taken up or closed.
    (Status.SUGGESTION, Status.IN_WORK): frozenset({A}),
    (Status.SUGGESTION, Status.RESOLVED): frozenset({A}),
    (Status.SUGGESTION, Status.CANCELLED): frozenset({C, A, S}),
    # Reopening a closed request.
    (Status.RESOLVED, Status.IN_WORK): frozenset({C, A}),
    (Status.CANCELLED, Status.IN_WORK): frozenset({A}),
}

# --- the named sets of statuses: every meaning a status has lives here, once ----------------

# Closed: nothing more happens unless somebody reopens it.
CLOSED_STATUSES = frozenset({Status.RESOLVED, Status.CANCELLED})
OPEN_STATUSES = frozenset(set(Status) - CLOSED_STATUSES)
# Support waits for the customer (the solution clock pauses).
WAITING_FOR_CUSTOMER = frozenset({Status.NEEDS_CLARIFICATION})
# The customer has to act: answer the specialist's question, read the answer. A move here is
# always told to the customer (mail/notifications.py); the board counts these as the customer's.
CUSTOMER_MUST_ACT = frozenset({Status.NEEDS_CLARIFICATION, Status.ANSWERED})
# Open and in support's hands (not the customer's, not a parked suggestion): the board's queue.
WITH_SUPPORT = frozenset({Status.REGISTERED, Status.IN_PROCESSING, Status.CLARIFICATION_SENT,
                          Status.IN_WORK})
# Support has answered (a question, a reply, a solution, a parked suggestion): the first-answer
# clock stops on reaching any of these.
FIRST_ANSWER_STATUSES = frozenset(
    {Status.NEEDS_CLARIFICATION, Status.ANSWERED, Status.RESOLVED, Status.SUGGESTION})
# Support's work on a solution is done for now: the solution clock stops.
SOLUTION_STOPPED_STATUSES = frozenset({Status.ANSWERED, Status.RESOLVED, Status.SUGGESTION})
# Leaving one of these for a working status is a reopening (the solution clock goes on).
REOPENABLE_STATUSES = SOLUTION_STOPPED_STATUSES | {Status.CANCELLED}
# Support is working on a solution: the solution clock runs.
SOLUTION_RUNNING_STATUSES = frozenset({Status.IN_PROCESSING, Status.CLARIFICATION_SENT, Status.IN_WORK})
# A customer's reply moves the ticket on by itself (answers a question, reopens an answer).
CUSTOMER_REPLY_MOVES = {
    Status.NEEDS_CLARIFICATION: Status.CLARIFICATION_SENT,
    Status.ANSWERED: Status.IN_WORK,
    Status.RESOLVED: Status.IN_WORK,
}
# Reached only with a message (the desk's composer asks for what is missing).
NEEDS_MESSAGE_STATUSES = frozenset({Status.NEEDS_CLARIFICATION})
# Not offered as «then set status» after an agent's public reply.
NOT_AFTER_REPLY_STATUSES = frozenset({Status.NEEDS_CLARIFICATION, Status.CANCELLED})


def allowed_actors(current: str, target: str) -> frozenset[ActorKind]:
    return TRANSITIONS.get((Status(current), Status(target)), frozenset())


def can_transition(current: str, target: str, actor: ActorKind) -> bool:
    return actor in allowed_actors(current, target)


def next_statuses(current: str, actor: ActorKind) -> list[Status]:
    """Statuses the actor may move a ticket to from `current`, in the seed's order."""
    return [s for s in Status if can_transition(current, s, actor)]
