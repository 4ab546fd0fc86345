"""Actions from a page that no longer shows the ticket as it is: refused, and the agent told
who changed what and when.

Every form of the ticket page (and the queue's bulk form) posts ``seen_event``, the version of
the ticket it was built from (``tickets.versions``); the views hand it to ``tickets.services``,
which refuses under the row lock (``StaleTicket``). The composer shows the changes above the
kept draft; the other actions show them as messages over the ticket as it is now.
"""

from __future__ import annotations

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.desk import timeline
from edudesk.desk.access import ticket_scope
from edudesk.tickets import versions
from edudesk.tickets.errors import StaleTicket
from edudesk.tickets.events import EventKind

FIELD = "seen_event"


def seen_version(request) -> int | None:
    """The version the posting page showed; None when the form did not say (no check)."""
    return versions.parse(request.POST.get(FIELD))


def changes_since(ticket, seen: int) -> list[str]:
    """Who changed what and when, one line per change, oldest first."""
    events = list(versions.changes_since(ticket, seen))
    names = timeline.user_names(events)
    lines = []
    for event in events:
        if event.kind == EventKind.MESSAGE_ADDED:
            what = _("новое сообщение")
        elif event.kind in timeline.SHOWN_EVENTS:
            what = timeline.describe(ticket, event, names)
        else:
            continue
        lines.append(_("%(who)s, %(when)s: %(what)s") % {
            "who": str(event.actor_user or event.actor_contact or _("система")),
            "when": timezone.localtime(event.created_at).strftime("%d.%m.%Y %H:%M"),
            "what": what})
    return lines or [_("Обращение изменилось.")]


def report(request, ticket, error: StaleTicket) -> None:
    """Tell the agent the action was not done, and what changed since their page was built."""
    if error.details.get("number") != ticket.number:  # the other ticket of a merge
        ticket = ticket_scope(request.user).get(number=error.details["number"])
    messages.error(request, error.message)
    for line in changes_since(ticket, error.details.get("seen", 0)):
        messages.error(request, line)
