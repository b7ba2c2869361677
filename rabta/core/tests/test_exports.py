"""Exports: what a table shows is what the file holds, in CSV and in Excel; spreadsheet formulas
cannot be smuggled in; a sheet too long for Excel is refused before anything is sent."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rabta.core.errors import CoreError, DomainError
from rabta.core.exports import Column, csv_lines, export_format, table_export

COLUMNS = [Column("office", "Office"), Column("received", "Received"), Column("rate", "Rate"), Column("on", "On")]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _body(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)
    return response.content


def _sheet(data: bytes) -> list[list[str]]:
    """The first sheet's cells as text, read from the file's XML (inline strings and numbers)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        root = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314 - our own file
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))  # noqa: S314
            shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in strings]
    rows = []
    for row in root.iter(f"{{{NS['m']}}}row"):
        cells = []
        for cell in row.iter(f"{{{NS['m']}}}c"):
            kind = cell.get("t")
            if kind == "inlineStr":
                cells.append("".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t")))
            elif kind == "s":
                cells.append(shared[int(cell.find("m:v", NS).text)])
            else:
                cells.append(cell.find("m:v", NS).text)
        rows.append(cells)
    return rows


def test_csv_holds_the_header_and_every_row_in_order_with_a_bom_for_urdu():
    rows = [{"office": "لاہور دفتر", "received": 12, "rate": Decimal("0.75"), "on": date(2026, 1, 2)}]
    response = table_export(rows=iter(rows), columns=COLUMNS, fmt="csv", filename="offices")
    assert response["Content-Disposition"] == 'attachment; filename="offices.csv"'
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
        ["Office", "Received", "Rate", "On"],
        ["لاہور دفتر", "12", "0.75", "2026-01-02"],
    ]


def test_excel_holds_the_same_table():
    rows = [
        {"office": "Karachi", "received": 3, "rate": Decimal("0.5"), "on": date(2026, 3, 4)},
        {"office": "=cmd", "received": None, "rate": 1, "on": datetime(2026, 3, 4, 5, 6, tzinfo=UTC)},
    ]
    response = table_export(rows=rows, columns=COLUMNS, fmt="xlsx", filename="offices", title="Offices")
    assert response["Content-Disposition"].startswith('attachment; filename="offices.xlsx"')
    data = _body(response)
    sheet = _sheet(data)
    assert sheet[0] == ["Office", "Received", "Rate", "On"]
    assert sheet[1][:3] == ["Karachi", "3", "0.5"]
    # A text that looks like a formula stays text: no <f> element anywhere.
    assert sheet[2][0] == "=cmd"
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_sequences_are_read_by_index():
    lines = list(csv_lines([("a", 1)], [Column(0, "Name"), Column(1, "Count")]))
    assert lines[1] == "a,1\r\n"


@hsettings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("=+-@\t\rabc1 ،ب"), min_size=1, max_size=8))
def test_no_csv_cell_starts_a_formula(value):
    line = list(csv_lines([{"office": value}], [Column("office", "Office")]))[1]
    cell = next(csv.reader(io.StringIO(line)))[0]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.lstrip("'") == value or cell == value


def test_an_excel_export_longer_than_the_cap_is_refused_naming_csv(settings):
    settings.RABTA_EXPORT_MAX_ROWS = 2
    rows = ({"office": str(n)} for n in range(3))
    with pytest.raises(DomainError) as caught:
        table_export(rows=rows, columns=COLUMNS, fmt="xlsx", filename="big")
    assert caught.value.fields["format"][0]["code"] == CoreError.EXPORT_TOO_LARGE
    assert "CSV" in caught.value.message
    # CSV streams any length.
    assert len(list(csv_lines(({"office": str(n)} for n in range(3)), COLUMNS))) == 4


@pytest.mark.parametrize("raw", ["", None, "pdf", "CSV", "xls"])
def test_an_unknown_format_names_the_field(raw):
    with pytest.raises(DomainError) as caught:
        export_format(raw)
    assert "format" in caught.value.fields
