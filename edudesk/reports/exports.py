"""Tables with Russian headers written as CSV or XLSX: the one place for both formats.

Reports and ticket lists hand over (title, headers, rows); CSV is one file (several tables
separated by a blank line and a title row), XLSX one sheet per table. Rows may be a generator:
a large ticket list is written row by row.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from typing import BinaryIO

from django.utils.translation import gettext as _


def tables(context: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) of every table of a built report page."""
    totals = (_("Итоги"), [_("Показатель"), _("Этот период"), _("Предыдущий"), _("Изменение")],
              [list(row) for row in context["comparison"]])
    flow = (_("По периодам"),
            [_("Период"), _("Создано"), _("Решено"), _("Отменено"), _("Переоткрыто"),
             _("В очереди на конец"), _("Повторы"), _("Объединено"), _("Выделено"),
             _("Из консультаций"), _("Потребовали уточнения"), _("Доля уточнений, %")],
            [[label, p.count("created"), p.count("resolved"), p.count("cancelled"),
              p.count("reopened"), p.backlog, p.count("repeat"), p.count("merged"),
              p.count("split"), p.count("converted"), p.count("clarified"),
              _pct(p.clarification_rate)] for label, p, *_links in context["periods"]])
    sla = (_("SLA"),
           [_("Период"), _("Норматив"), _("В срок"), _("С нарушением"), _("Доля в срок, %"),
            _("Медиана, рабочих мин"), _("90-й перцентиль, рабочих мин")],
           [[label, str(name), s.met.count, s.breached.count, _pct(s.share_met), s.all.median,
             s.all.p90] for label, clocks in context["sla_rows"] for name, s in clocks])
    where = (_("Разрез"),
             [_("Значение"), _("Создано"), _("Рассмотрено с нарушением"),
              _("Рассмотрено в срок, %"), _("Медиана рассмотрения, рабочих мин"),
              _("Потребовали уточнения, %"), _("Медиана ожидания уточнения, рабочих мин")],
             [[name, p.count("created"), p.sla["review"].breached.count,
               _pct(p.sla["review"].share_met), p.sla["review"].all.median,
               _pct(p.clarification_rate), p.clarification_wait.median]
              for name, _url, p, _link in context["breakdown"]])
    rated = (_("Оценки решений"),
             [_("Период"), _("Оценок"), _("Средняя оценка"), _("Доля оценок 4–5, %"),
              _("Низких оценок (1–2)")],
             [[label, p.satisfaction.count, _round(p.satisfaction.average),
               _pct(p.satisfaction.share_good), p.satisfaction.low]
              for label, p, *_links in context["periods"]])
    aged = (_("Возраст очереди"),
            [_("Возраст"), *context["backlog_age_groups"], _("Всего")],
            [[label, *[n for n, _url in cells], total]
             for label, cells, total in context["backlog_age_rows"]])
    return [totals, flow, sla, where, rated, aged]


def _round(value):
    return None if value is None else round(value, 2)


def _pct(share):
    return None if share is None else round(share * 100, 1)


Table = tuple[str, list[str], Iterable[list]]
# XLSX column widths are fitted to the headers and this many first rows (a large export is
# written row by row and cannot look ahead further).
WIDTH_SAMPLE = 200


def write_csv(named_tables: Iterable[Table], stream: BinaryIO) -> None:
    """Tables into one `;`-separated file, each under its title row, a blank line between."""
    # With a BOM (utf-8-sig), Excel opens the Cyrillic headers correctly.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=";")
    many = isinstance(named_tables, list) and len(named_tables) > 1
    for title, headers, rows in named_tables:
        if many:
            writer.writerow([title])
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        if many:
            writer.writerow([])
    text.flush()
    text.detach()


def write_xlsx(named_tables: Iterable[Table], stream: BinaryIO) -> None:
    """Tables into a workbook, one sheet per table, written row by row (constant memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for title, headers, rows in named_tables:
        sheet = book.create_sheet(title[:31])
        rows = iter(rows)
        first = list(itertools.islice(rows, WIDTH_SAMPLE))
        for index, header in enumerate(headers):
            width = max([len(str(header)), *(len(str(row[index] if row[index] is not None else ""))
                                              for row in first)])
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(width + 2, 10), 60)
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in itertools.chain(first, rows):
            sheet.append(row)
    book.save(stream)


def render(kind: str, named_tables: Iterable[Table]) -> bytes:
    buffer = io.BytesIO()
    WRITERS[kind](named_tables, buffer)
    return buffer.getvalue()


def to_csv(context: dict) -> bytes:
    return render("csv", tables(context))


def to_xlsx(context: dict) -> bytes:
    return render("xlsx", tables(context))


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
