"""Ticket lists (the desk queue as filtered and sorted, the desk search's results) as CSV or XLSX.

Only tickets the agent may see: every list is read through the desk's own scope for the
requesting agent. A list of up to `EDUDESK_EXPORT_INLINE_ROWS` rows is answered at once; a
larger one is written by a job (`start` → `run`) into a file under MEDIA_ROOT/exports/, kept
until `expires_at` for its requester alone, then removed by `sweep`.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from edudesk.reports import exports
from edudesk.reports.models import ListExport
from edudesk.tickets.models import Ticket

log = logging.getLogger(__name__)

EXPORT_DIR = "exports"
SEARCH_LIMIT = 200  # the search's own cap (search.services.MAX_LIMIT)
PROGRESS_EVERY = 500  # rows between two progress updates of a job
SHOWN = ("service", "requester", "organisation", "group", "assignee")


def headers() -> list[str]:
    return [_("Номер"), _("Тема"), _("Статус"), _("Приоритет"), _("Сервис"), _("Линия"),
            _("Исполнитель"), _("Заявитель"), _("Организация"), _("Регион"), _("Канал"),
            _("Категория"), _("Создано"), _("Срок"), _("Обновлено")]


def _local(moment: datetime | None):
    # XLSX cells take naive datetimes: the agent's local time, to the minute.
    return timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None


def ticket_row(ticket: Ticket) -> list:
    organisation = ticket.organisation
    return [ticket.number, ticket.subject, ticket.get_status_display(), ticket.get_priority_display(),
            ticket.service.name, str(ticket.group) if ticket.group else "",
            str(ticket.assignee) if ticket.assignee else "", str(ticket.requester),
            organisation.name if organisation else "", organisation.region if organisation else "",
            ticket.get_channel_display(), ticket.category, _local(ticket.created_at),
            _local(ticket.due_at), _local(ticket.updated_at)]


@dataclass(frozen=True)
class Source:
    """One ticket list: its title and its tickets for an agent and the page's query."""

    key: str
    title: Callable[[], str]
    tickets: Callable[[object, QueryDict], Iterable[Ticket]]
    # How many rows, counting no further than `cap` (None: all of them).
    count: Callable[[object, QueryDict, int | None], int]


def _queue_tickets(user, params: QueryDict) -> Iterator[Ticket]:
    from edudesk.desk.queue_filters import chosen_queue

    ordered = chosen_queue(user, params).ordered()
    return ordered.select_related(*SHOWN).defer("fields").iterator(chunk_size=500)


def _queue_count(user, params: QueryDict, cap: int | None) -> int:
    from edudesk.desk.queue_filters import chosen_queue

    tickets = chosen_queue(user, params).tickets.order_by()
    return tickets.count() if cap is None else tickets.values("pk")[: cap + 1].count()


def _search_tickets(user, params: QueryDict) -> list[Ticket]:
    from edudesk.desk.views.search import find

    query = (params.get("q") or "").strip()
    ids = [ticket.pk for ticket in find(user, query, SEARCH_LIMIT)] if query else []
    loaded = Ticket.objects.select_related(*SHOWN).in_bulk(ids)
    return [loaded[pk] for pk in ids if pk in loaded]


def _search_count(user, params: QueryDict, cap: int | None) -> int:
    return SEARCH_LIMIT if (params.get("q") or "").strip() else 0


SOURCES = {source.key: source for source in (
    Source("queue", lambda: _("Очередь"), _queue_tickets, _queue_count),
    # A search answers at most SEARCH_LIMIT tickets: always exported at once.
    Source("search", lambda: _("Поиск"), _search_tickets, _search_count),
)}


def table(source: Source, user, params: QueryDict, progress: Callable[[int], None] | None = None):
    """(title, headers, rows) of the list; `progress(rows written)` now and then."""

    def rows():
        for written, ticket in enumerate(source.tickets(user, params), start=1):
            yield ticket_row(ticket)
            if progress and written % PROGRESS_EVERY == 0:
                progress(written)

    return source.title(), headers(), rows()


def file_name(source: Source, file_format: str, now: datetime) -> str:
    return f"edudesk-{source.key}-{timezone.localtime(now):%Y%m%d-%H%M}.{file_format}"


def is_large(source: Source, user, params: QueryDict) -> bool:
    cap = settings.EDUDESK_EXPORT_INLINE_ROWS
    return source.count(user, params, cap) > cap


def render(source: Source, user, params: QueryDict, file_format: str) -> bytes:
    return exports.render(file_format, [table(source, user, params)])


def start(user, source: Source, params: QueryDict, file_format: str, now: datetime) -> ListExport:
    """Queue a job writing the list to a file; the page of the returned export shows progress."""
    from edudesk.reports.tasks import run_list_export

    job = ListExport.objects.create(
        user=user, source=source.key, query=params.urlencode(), file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE, created_at=now,
        expires_at=now + timedelta(hours=settings.EDUDESK_EXPORT_KEEP_HOURS))
    transaction.on_commit(lambda: run_list_export(job.pk))
    return job


def run(job_id: int, now: datetime | None = None) -> None:
    """Write the export's file (the job). Claimed with a conditional UPDATE: a job delivered
    twice writes once."""
    if not ListExport.objects.filter(pk=job_id, state=ListExport.State.QUEUED).update(
            state=ListExport.State.RUNNING):
        return
    job = ListExport.objects.select_related("user").get(pk=job_id)
    source, params = SOURCES[job.source], QueryDict(job.query)
    relative = Path(EXPORT_DIR) / secrets.token_urlsafe(18) / file_name(source, job.file_format,
                                                                        job.created_at)
    target = Path(settings.MEDIA_ROOT) / relative
    try:
        with translation.override(job.language):
            total = source.count(job.user, params, None)
            ListExport.objects.filter(pk=job.pk).update(total=total, path=str(relative))
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as stream:
                exports.WRITERS[job.file_format](
                    [table(source, job.user, params,
                           lambda n: ListExport.objects.filter(pk=job.pk).update(written=n))],
                    stream)
    except Exception:
        log.exception("reports: list export %s failed", job.pk)
        target.unlink(missing_ok=True)
        ListExport.objects.filter(pk=job.pk).update(state=ListExport.State.FAILED,
                                                    finished_at=now or timezone.now())
        return
    ListExport.objects.filter(pk=job.pk).update(state=ListExport.State.DONE, written=total,
                                                finished_at=now or timezone.now())


def file_of(job: ListExport) -> Path:
    return Path(settings.MEDIA_ROOT) / job.path


def sweep(now: datetime) -> int:
    """Remove the expired exports and their files; how many were removed."""
    expired = list(ListExport.objects.filter(expires_at__lte=now))
    for job in expired:
        if job.path:
            path = file_of(job)
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # the folder holds nothing else
                path.parent.rmdir()
    ListExport.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)
