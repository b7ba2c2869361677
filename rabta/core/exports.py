"""Every table of Rabta exported the same way: CSV (streamed) or Excel (XlsxWriter, constant memory).

A view that shows a table offers its export by calling :func:`table_export` with the same rows it
shows (the filters applied) and its columns. CSV streams row by row, so a table of any length leaves
in one request without being held in memory; an Excel sheet is written row by row to a temporary
file (XlsxWriter's constant-memory mode) and is capped at ``RABTA_EXPORT_MAX_ROWS`` rows (Excel's own
limit is 1,048,576): a longer table is refused with ``export_too_large`` before anything is written,
naming CSV as the way to get it.

Cells are written as values, never as formulas: a text cell that a spreadsheet would read as a
formula (``=``, ``+``, ``-``, ``@``, tab or carriage return first) is prefixed with ``'`` in CSV
(OWASP's advice on CSV injection) and written with ``write_string`` in Excel.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db import models
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from rabta.core.errors import CoreError, DomainError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_DATA_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, the header being one
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"


@dataclass(frozen=True)
class Column:
    """One column of an exported table: ``key`` reads the row (a mapping key or a sequence index),
    ``label`` heads the column in the reader's language."""

    key: str | int
    label: str


def export_format(raw: str | None, *, field: str = "format") -> ExportFormat:
    """The format a request asked for, or a 400 naming the field."""
    if raw in ExportFormat.values:
        return ExportFormat(raw)
    raise DomainError.for_field(field, CoreError.VALIDATION, _("Choose csv or xlsx."))


def _cell(row: Mapping[str, Any] | Sequence[Any], key: str | int) -> Any:
    if isinstance(row, Mapping):
        return row.get(str(key))
    return row[int(key)]


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return _safe_text(str(value))


class _Echo:
    """csv.writer's file: each ``write`` hands back the line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Mapping[str, Any] | Sequence[Any]], columns: Sequence[Column]) -> Iterator[str]:
    """The table as CSV lines: a byte-order mark (Excel then reads Urdu as UTF-8), the header, rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column.label for column in columns])
    for row in rows:
        yield writer.writerow([_csv_value(_cell(row, column.key)) for column in columns])


def _xlsx_file(rows: Iterable[Mapping[str, Any] | Sequence[Any]], columns: Sequence[Column], *, title: str) -> Any:
    limit = min(settings.RABTA_EXPORT_MAX_ROWS, EXCEL_MAX_DATA_ROWS)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False, "remove_timezone": True})
    sheet = book.add_worksheet((title or "Rabta")[:31].translate(str.maketrans("[]:*?/\\", "       ")))
    bold = book.add_format({"bold": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    stamps = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, str(column.label), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        if count > limit:
            book.close()
            handle.close()
            raise DomainError.for_field(
                "format",
                CoreError.EXPORT_TOO_LARGE,
                _("This table has more than %(limit)s rows, too many for one Excel sheet: export it as CSV.")
                % {"limit": f"{limit:,}"},
            )
        for index, column in enumerate(columns):
            value = _cell(row, column.key)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, index, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(count, index, float(value))
            elif isinstance(value, datetime):
                sheet.write_datetime(count, index, value, stamps)
            elif isinstance(value, date):
                sheet.write_datetime(count, index, value, dates)
            else:
                sheet.write_string(count, index, str(value))
    book.close()
    handle.seek(0)
    return handle


def table_export(
    *,
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    columns: Sequence[Column],
    fmt: ExportFormat | str,
    filename: str,
    title: str = "",
) -> HttpResponseBase:
    """The response that downloads ``rows`` as ``filename.csv`` or ``filename.xlsx``.

    Pass an iterator (``queryset.values_list(...).iterator()``) for long tables: CSV never holds more
    than one row. An Excel export longer than ``RABTA_EXPORT_MAX_ROWS`` raises ``DomainError``
    (``export_too_large``) and nothing is sent."""
    fmt = export_format(str(fmt))
    base = get_valid_filename(filename) or "export"
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(csv_lines(rows, columns), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{base}.csv"'
        return response
    handle = _xlsx_file(rows, columns, title=title or base)
    return FileResponse(handle, as_attachment=True, filename=f"{base}.xlsx", content_type=XLSX_CONTENT_TYPE)
