"""Ticket numbers: prefix + 7 digits, allocated by the database's sequence."""

from django.utils import timezone

from edudesk.tickets.models import TicketNumber

DIGITS = 7


def allocate_number(prefix: str) -> str:
    """A new unique number such as INC0000123.

    The value is the primary key of a fresh TicketNumber row: PostgreSQL's sequence and
    SQLite's AUTOINCREMENT never hand the same value out twice, even to concurrent
    transactions, and a rolled-back creation only leaves a gap.
    """
    allocation = TicketNumber.objects.create(allocated_at=timezone.now())
    return format_number(prefix, allocation.pk)


def format_number(prefix: str, value: int) -> str:
    return f"{prefix}{value:0{DIGITS}d}"
