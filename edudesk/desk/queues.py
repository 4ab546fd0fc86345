"""The agent's queues: which tickets each holds, in which order, and cheap counts.

Every queue is a filter on indexed columns (status, assignee, group, SLA flag) within the
services the agent serves, ordered by a keyset. Counts stop at COUNT_CAP: counting is then a
bounded index scan («99+»), as cheap at a million tickets as at a hundred.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from edudesk.desk import directory
from edudesk.desk.inline import constant_in
from edudesk.desk.keyset import Keyset
from edudesk.tickets.models import SlaFlag, Ticket
from edudesk.tickets.status import OPEN_STATUSES, Status

PAGE_SIZE = 50
COUNT_CAP = 99

# As the partial indexes on tickets state them (tickets/models.py), written into the SQL.
_OPEN_Q = constant_in("status", sorted(OPEN_STATUSES))
_FLAGGED_Q = constant_in("sla_flag", sorted([SlaFlag.AT_RISK, SlaFlag.BREACHED]))


@dataclass(frozen=True)
class Viewer:
    """What a queue needs to know about the agent looking at it."""

    user: object
    group_ids: frozenset[int]


# «Срок»: the due date the customer was given. Every queue but «Все» may be sorted by it: each
# has an index on (its filter, due_at, id); «Все» is ordered by number only.
BY_DUE = Keyset("due_at")
SORTS = ("", "due")


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    keyset: Keyset
    condition: Callable[[Viewer], Q]
    due_sortable: bool = True
    # The capped count's order and, named for SQLite, its index, when not the keyset's (counts()).
    count_order: tuple[str, ...] = ()
    count_index: str = ""

    def tickets(self, scope: QuerySet, viewer: Viewer) -> QuerySet:
        return scope.filter(self.condition(viewer))

    def keyset_for(self, sort: str) -> Keyset:
        """The order the agent chose: the queue's own, or by the customer's due date."""
        return BY_DUE if sort == "due" and self.due_sortable else self.keyset

    def sorted_by_due(self, sort: str) -> bool:
        return self.keyset_for(sort).field == "due_at"


# A queue of one status is counted along ticket_service_status (service, status, id): an
# index-only read of COUNT_CAP + 1 entries. Along its keyset PostgreSQL read every open ticket
# of the service in that status and sorted them (8 ms at 100,000 tickets, growing with N).
_BY_SERVICE_STATUS = ("service_id", "status", "id")

QUEUES: dict[str, Queue] = {
    queue.key: queue
    for queue in (
        Queue("new", _("Новые, не рассмотренные"), Keyset("review_due_at"),
              lambda v: Q(status=Status.REGISTERED), count_order=_BY_SERVICE_STATUS),
        Queue("mine", _("Мои"), Keyset("due_at"),
              lambda v: Q(assignee=v.user) & _OPEN_Q),
        Queue("group", _("Моей линии"), Keyset("due_at"),
              lambda v: Q(group_id__in=sorted(v.group_ids)) & _OPEN_Q),
        Queue("waiting", _("Ждут заявителя"), Keyset("updated_at", descending=True, nullable=False),
              lambda v: Q(status=Status.NEEDS_CLARIFICATION), count_order=_BY_SERVICE_STATUS),
        Queue("answered", _("С ответом"), Keyset("updated_at", descending=True, nullable=False),
              lambda v: Q(status=Status.ANSWERED), count_order=_BY_SERVICE_STATUS),
        Queue("at_risk", _("Под угрозой и просроченные"), Keyset("due_at"),
              lambda v: _OPEN_Q & _FLAGGED_Q,
              count_order=("service_id", "id"), count_index="ticket_at_risk_service"),
        Queue("all", _("Все"), Keyset("id", descending=True), lambda v: Q(), due_sortable=False),
    )
}
DEFAULT_QUEUE = "new"


def viewer_for(user) -> Viewer:
    """The agent and the support lines they work in or supervise: one query, then kept until
    the directory changes (``desk.directory``: a line, its members or supervisor saved). They
    choose only which of the agent's own services' tickets «Моей линии» lists."""
    from edudesk.accounts.models import SupportGroup

    group_ids = directory.cached("lines-of", user.pk, lambda: frozenset(
        SupportGroup.objects.filter(Q(members=user) | Q(supervisor=user)).values_list("id", flat=True)))
    return Viewer(user=user, group_ids=group_ids)


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int

    @property
    def label(self) -> str:
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)


def listed(tickets: QuerySet) -> QuerySet:
    """What a queue's rows show, fetched with the page.

    Two joins and no more (a status has one name: the service is not needed); each further
    join multiplies PostgreSQL's planning time (a five-join page planned in 3 ms and ran in
    0.4 ms). The assignees and clocks come once per
    page (`rows.with_clocks`). Only the columns a row shows (and the keysets order by) are
    read: building fifty tickets, their requesters and organisations from full rows was a
    fifth of the page's cost."""
    return tickets.select_related("requester", "organisation").only(*LISTED_FIELDS)


# What `rows.queue_rows` shows of a ticket and of its requester (Contact.__str__) and
# organisation (Organisation.__str__), and the columns the keysets order by.
LISTED_FIELDS = (
    "number", "subject", "status", "priority", "due_at", "review_due_at", "updated_at",
    "assignee_id", "service_id",
    *(f"requester__{name}" for name in ("full_name", "email", "phone", "login")),
    "organisation__name", "organisation__city",
)


def counts(scope: QuerySet, viewer: Viewer) -> list[QueueCount]:
    """Every queue's count, each a COUNT over at most COUNT_CAP + 1 index entries, all in one
    round trip: the cost does not grow with the number of tickets."""
    queues = list(QUEUES.values())
    connection = connections[scope.db]
    sql, params = _count_statement(scope, viewer, queues, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return [QueueCount(queue, count) for queue, count in zip(queues, row, strict=True)]


# The counts' statement of recent viewers: compiling seven querysets cost more than running
# them. It depends only on the scope's conditions and the viewer (its user and lines).
_COUNT_STATEMENTS: OrderedDict[tuple, tuple[str, list]] = OrderedDict()
_COUNT_STATEMENTS_KEPT = 256


def _count_statement(scope: QuerySet, viewer: Viewer, queues: list[Queue], connection) -> tuple[str, list]:
    key = (connection.alias, repr(scope.query.where), viewer.user.pk, viewer.group_ids)
    found = _COUNT_STATEMENTS.get(key)
    if found is not None:
        _COUNT_STATEMENTS.move_to_end(key)
        return found
    columns, params = [], []
    for queue in queues:
        # Read in an index's order: with no order PostgreSQL may choose a sequential scan that
        # stops at the cap only if matching rows come early in the table.
        capped = (queue.tickets(scope, viewer).order_by(*(queue.count_order or queue.keyset.index_order()))
                  .values("pk")[: COUNT_CAP + 1])
        try:
            sql, capped_params = capped.query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:  # e.g. «Моей линии» for someone in no line
            columns.append("0")
            continue
        if queue.count_index and connection.vendor == "sqlite":
            sql = _indexed_by(sql, queue.count_index)
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{queue.key})")
        params.extend(capped_params)
    _COUNT_STATEMENTS[key] = statement = (f"SELECT {', '.join(columns)}", params)
    while len(_COUNT_STATEMENTS) > _COUNT_STATEMENTS_KEPT:
        _COUNT_STATEMENTS.popitem(last=False)
    return statement


def _indexed_by(sql: str, index: str) -> str:
    """The count read through ``index`` on SQLite (``INDEXED BY``; an error, not a scan, should
    the index ever not serve it). With statistics SQLite read «Под угрозой» from the board's
    ticket_open_counts, every open ticket of the service, and sorted them: 22–37 ms of each
    queue page at 100,000 tickets against 0.1 ms through ticket_at_risk_service."""
    table = f'FROM "{Ticket._meta.db_table}"'
    return sql.replace(table, f'{table} INDEXED BY "{index}"', 1)
