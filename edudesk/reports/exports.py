"""A report as tables with Russian headers, written as CSV or XLSX.

The same rows feed both formats (one place for the headers); CSV is one file of several
tables separated by a blank line and a title row, XLSX one sheet per table.
"""

from __future__ import annotations

import csv
import io

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
    return [totals, flow, sla, where, rated]


def _round(value):
    return None if value is None else round(value, 2)


def _pct(share):
    return None if share is None else round(share * 100, 1)


def to_csv(context: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for title, headers, rows in tables(context):
        writer.writerow([title])
        writer.writerow(headers)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        writer.writerow([])
    # With a BOM, Excel opens the Cyrillic headers correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(context: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in tables(context):
        sheet = book.create_sheet(title[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WRITERS = {"csv": to_csv, "xlsx": to_xlsx}
