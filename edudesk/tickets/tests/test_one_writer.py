"""Lints that keep two rules true (as Zulip's custom checks do): ticket rows are written only
in ``tickets/services.py``, and every event kind written is in the one registry."""

import re
from pathlib import Path

from edudesk.tickets.events import EventKind

ROOT = Path(__file__).resolve().parents[2]  # the edudesk package
TICKET_MODELS = r"(Ticket|Message|Attachment|TicketLink|Consultation)"
# Model-manager writes: Ticket.objects.create(…), Message.objects.filter(…).update(…), …
MANAGER_WRITE = re.compile(
    rf"\b{TICKET_MODELS}\.objects\b[^\n]*?\.(create|bulk_create|get_or_create|update_or_create|"
    r"update|delete|bulk_update)\(")
# Instance and related-manager writes on the usual names: ticket.save(), ticket.messages.update().
INSTANCE_WRITE = re.compile(
    r"\b(ticket|message|attachment|consultation|duplicate|new_ticket)\.(save|delete)\(|"
    r"\.(messages|attachments|merged_duplicates|links_out|links_in)\.(create|update|delete|add)\(")
# The writers: the domain, and the event log that writes its audit rows.
ALLOWED = {ROOT / "tickets" / "services.py", ROOT / "tickets" / "events.py"}


def _production_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {"tests", "migrations", "testing"} or path in ALLOWED:
            continue
        yield path


def test_ticket_models_are_written_only_in_tickets_services():
    offenders = []
    for path in _production_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if MANAGER_WRITE.search(line) or INSTANCE_WRITE.search(line):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert offenders == [], "ticket rows written outside tickets/services.py:\n" + "\n".join(offenders)


def test_the_lint_finds_a_write():
    assert MANAGER_WRITE.search('Ticket.objects.filter(pk=1).update(status="resolved")')
    assert MANAGER_WRITE.search("Consultation.objects.create(service=s)")
    assert INSTANCE_WRITE.search("    ticket.save(update_fields=['status'])")
    assert not MANAGER_WRITE.search("OutboundMail.objects.filter(pk=1).update(state='sent')")


# events.record(ticket, "some_kind", …): a kind written as a string, not through EventKind.
# (A kind in a variable is checked when it is written: ``events.record`` refuses unknown kinds.)
RECORD_CALL = re.compile(r"\brecord(?:_many)?\(\s*[\w.]+,\s*([^,\s)]+)")


def test_every_event_kind_written_is_in_the_registry():
    offenders = []
    for path in _production_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = RECORD_CALL.search(line)
            if match and match.group(1).startswith(("'", '"')):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert offenders == [], "event kinds outside tickets.events.EventKind:\n" + "\n".join(offenders)


def test_an_unknown_kind_is_refused_when_written(ticket):
    import pytest

    from edudesk.tickets.events import record
    from edudesk.tickets.types import Actor

    with pytest.raises(ValueError):
        record(ticket, "made_up_kind", Actor.system())


def test_the_registry_has_no_two_kinds_with_one_value():
    values = [kind.value for kind in EventKind]
    assert len(values) == len(set(values))


# A set of statuses written out by hand: (Status.A, Status.B …), [Status.A, …], {Status.A, …}.
STATUS_SET = re.compile(r"[(\[{]\s*Status\.[A-Z_]+\s*,\s*Status\.[A-Z_]+")


def test_named_sets_of_statuses_live_only_in_tickets_status():
    """What a status means (waiting for the customer, the customer must act, …) is said once, in
    ``tickets/status.py``; other modules name the set from there."""
    offenders = []
    for path in [*_production_files(), *ALLOWED]:
        if path == ROOT / "tickets" / "status.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATUS_SET.search(line):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
    assert offenders == [], "sets of statuses outside tickets/status.py:\n" + "\n".join(offenders)
