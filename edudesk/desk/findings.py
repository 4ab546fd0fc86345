"""What the intake noticed about a request, shown to the agent on the ticket page: the category
it inferred (with its confidence, corrected in one click) and several problems in one request
(split in one click)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from edudesk.desk.card import category_choices
from edudesk.intake.categorize import created_data, suggestion_of
from edudesk.intake.services import registered_problems
from edudesk.tickets.models import Ticket


@dataclass(frozen=True)
class CategoryFinding:
    suggested: str
    suggested_label: str
    percent: int
    basis: str
    # The ticket's category now, and the others an agent may choose instead in one click.
    current: str
    others: list[tuple[str, str]]

    @property
    def corrected(self) -> bool:
        return self.current != self.suggested


def findings(ticket: Ticket, data: dict | None = None) -> dict:
    """Both findings for the ticket page (``data``: its «created» event's data, when the caller
    has it; else one query when there are none)."""
    data = created_data(ticket) if data is None else data
    return {"category_finding": category_finding(ticket, data),
            "problems": registered_problems(ticket, data)}


def category_finding(ticket: Ticket, data: dict | None = None) -> CategoryFinding | None:
    suggestion = suggestion_of(ticket, data)
    if not suggestion:
        return None
    choices = category_choices(ticket)
    labels = dict(choices)
    suggested = suggestion.get("category", "")
    basis = (_("по словам формы сервиса") if suggestion.get("source") == "schema"
             else _("по исправлениям специалистов"))
    return CategoryFinding(
        suggested=suggested, suggested_label=labels.get(suggested, suggested),
        percent=round(float(suggestion.get("confidence", 0)) * 100), basis=basis,
        current=ticket.category,
        others=[(key, label) for key, label in choices if key != ticket.category],
    )

