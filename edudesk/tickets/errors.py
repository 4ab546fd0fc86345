"""Errors the ticket domain raises: each has a machine code and a message in the user's language."""

from django.utils.translation import gettext as _

from edudesk.tickets.status import status_label


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    http_status = 409

    @classmethod
    def build(cls, ticket, target: str, actor_kind: str) -> "TransitionNotAllowed":
        return cls(
            _("Нельзя перевести обращение %(number)s из статуса «%(current)s» в статус «%(target)s».")
            % {
                "number": ticket.number,
                "current": status_label(ticket.status),
                "target": status_label(target),
            },
            current=ticket.status,
            target=target,
            actor=actor_kind,
        )


class NotPermitted(DomainError):
    """The actor may not do this to this ticket (tickets.policy decides)."""

    code = "forbidden"
    http_status = 403


class InvalidOperation(DomainError):
    code = "invalid_operation"
    http_status = 409


class ReasonRequired(DomainError):
    """A closing that must say why (``policy.REASON_REQUIRED``) came without a reason."""

    code = "reason_required"
    http_status = 422


class StaleTicket(DomainError):
    """The ticket changed after the version the actor saw (``tickets.versions``): refused, so
    that nobody acts on a state they did not see (a colleague's ticket taken from an old page)."""

    code = "stale_ticket"
    http_status = 409

    @classmethod
    def build(cls, ticket, seen: int, current: int) -> "StaleTicket":
        return cls(_("Обращение %(number)s изменилось после того, как вы его открыли; действие не "
                     "выполнено.") % {"number": ticket.number}, seen=seen, current=current,
                   number=ticket.number)
