"""The schema of a partner's export-declaration file (the shape :mod:`rabta.exchange.wco` writes),
checked in full: every fault of every row is reported (row, element, field, code, reason), so that
a partner can mend the file in one go. No faults: the records, read into Rabta's fields.

Written out rather than with jsonschema (not in the locks): the same checks read JSON and XML,
which carry numbers as text, and each fault speaks the exchange's own codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from rabta.customs.codes import COUNTRIES
from rabta.exchange import wco
from rabta.exchange.errors import ExchangeError

MAX_ROWS = 200_000
MAX_ITEMS = 999
HEADER_KEYS = frozenset({wco.ROOT, "_root"})
_CODE = re.compile(r"^[0-9]{6,12}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DECIMAL_LIMIT = Decimal("1e18")


@dataclass(frozen=True)
class Fault:
    row: int  # 1-based record number; 0 for the file itself
    element: str
    field: str
    code: ExchangeError
    reason: str


@dataclass
class Record:
    values: dict[str, Any]
    items: list[dict[str, Any]]


def _value(field: wco.Field, raw: Any) -> tuple[Any, str]:
    """The value ``raw`` stands for, or ``(None, reason)``."""
    if isinstance(raw, dict | list):
        return None, _("A value is expected, not a structure.")
    if field.kind == "int":
        text = str(raw).strip() if not isinstance(raw, bool) else ""
        if not text.isascii() or not text.isdigit() or int(text) < 1 or int(text) > 999_999:
            return None, _("A whole number from 1 is expected.")
        return int(text), ""
    if field.kind == "decimal":
        if isinstance(raw, bool):
            return None, _("A number is expected.")
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            return None, _("A number is expected.")
        if not number.is_finite() or number < 0 or number >= _DECIMAL_LIMIT:
            return None, _("A number from 0 is expected.")
        return number, ""
    if not isinstance(raw, str):
        return None, _("Text is expected.")
    text = raw.strip()
    if field.kind == "date":
        try:
            return date.fromisoformat(text[:10]), ""
        except ValueError:
            return None, _("A date (YYYY-MM-DD) is expected.")
    if field.kind == "country":
        if text.upper() not in COUNTRIES:
            return None, _("An ISO 3166 two-letter country code is expected.")
        return text.upper(), ""
    if field.kind == "code":
        compact = text.replace(".", "")
        if not _CODE.match(compact):
            return None, _("A tariff code of 6 to 12 digits is expected.")
        return compact, ""
    if field.kind == "currency":
        if not _CURRENCY.match(text.upper()):
            return None, _("An ISO 4217 currency code is expected.")
        return text.upper(), ""
    if not text and field.required_on_import:
        return None, _("This element may not be empty.")
    if field.max_length and len(text) > field.max_length:
        return None, _("At most %(n)d characters.") % {"n": field.max_length}
    return text, ""


def _leaves(value: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        out: list[tuple[tuple[str, ...], Any]] = []
        for name, inner in value.items():
            out.extend(_leaves(inner, (*prefix, str(name))))
        return out
    return [(prefix, value)]


def _read(part: Any, level: str, row: int, where: str, faults: list[Fault]) -> dict[str, Any]:
    fields = {field.path: field for field in wco.IMPORT_FIELDS.values() if field.level == level}
    values: dict[str, Any] = {}
    for path, raw in _leaves(part):
        element = "/".join((where, *path))
        field = fields.get(path)
        if field is None:
            faults.append(Fault(row, element, "", ExchangeError.UNEXPECTED, _("This element is not in the schema.")))
            continue
        value, reason = _value(field, raw)
        if reason:
            faults.append(Fault(row, element, field.key, ExchangeError.BAD_VALUE, reason))
        else:
            values[field.key] = value
    for field in fields.values():
        if (
            field.required_on_import
            and field.key not in values
            and not any(
                fault.row == row and fault.field == field.key and fault.element.startswith(where) for fault in faults
            )
        ):
            faults.append(
                Fault(
                    row,
                    "/".join((where, *field.path)),
                    field.key,
                    ExchangeError.REQUIRED,
                    _("This element is required."),
                )
            )
    return values


def _record(raw: Any, row: int, faults: list[Fault]) -> Record | None:
    where = wco.DECLARATION
    if not isinstance(raw, dict):
        faults.append(Fault(row, where, "", ExchangeError.WRONG_TYPE, _("A declaration is a structure of elements.")))
        return None
    head = {key: value for key, value in raw.items() if key != wco.SHIPMENT}
    values = _read(head, "declaration", row, where, faults)
    shipment = raw.get(wco.SHIPMENT)
    items_raw = shipment.get(wco.ITEM) if isinstance(shipment, dict) else None
    if isinstance(shipment, dict) and set(shipment) - {wco.ITEM}:
        for name in sorted(set(shipment) - {wco.ITEM}):
            faults.append(
                Fault(
                    row,
                    f"{where}/{wco.SHIPMENT}/{name}",
                    "",
                    ExchangeError.UNEXPECTED,
                    _("This element is not in the schema."),
                )
            )
    if isinstance(items_raw, dict):
        items_raw = [items_raw]
    if not isinstance(items_raw, list) or not items_raw:
        faults.append(
            Fault(
                row,
                f"{where}/{wco.SHIPMENT}/{wco.ITEM}",
                "",
                ExchangeError.REQUIRED,
                _("At least one goods item is required."),
            )
        )
        return Record(values, [])
    if len(items_raw) > MAX_ITEMS:
        faults.append(Fault(row, f"{where}/{wco.SHIPMENT}", "", ExchangeError.BAD_VALUE, _("Too many goods items.")))
        return Record(values, [])
    items = []
    seen: set[int] = set()
    for number, item in enumerate(items_raw, start=1):
        item_where = f"{where}/{wco.SHIPMENT}/{wco.ITEM}[{number}]"
        if not isinstance(item, dict):
            faults.append(
                Fault(row, item_where, "", ExchangeError.WRONG_TYPE, _("A goods item is a structure of elements."))
            )
            continue
        one = _read(item, "item", row, item_where, faults)
        sequence = one.get("item_number")
        if sequence is not None and sequence in seen:
            faults.append(
                Fault(
                    row,
                    f"{item_where}/SequenceNumeric",
                    "item_number",
                    ExchangeError.DUPLICATE,
                    _("This item number is given twice."),
                )
            )
        if sequence is not None:
            seen.add(sequence)
        items.append(one)
    return Record(values, items)


def validate(document: Any) -> tuple[list[Record], list[Fault]]:
    """Every record of ``document`` (a JSON object, or an XML file read by
    :func:`rabta.exchange.formats.xml_document`), and every fault found in it."""
    faults: list[Fault] = []
    if not isinstance(document, dict):
        return [], [Fault(0, "", "", ExchangeError.WRONG_TYPE, _("The file must hold one object."))]
    if document.get("_root", wco.ROOT) != wco.ROOT:
        faults.append(
            Fault(
                0,
                str(document["_root"]),
                "",
                ExchangeError.UNEXPECTED,
                _("The root element must be %(root)s.") % {"root": wco.ROOT},
            )
        )
    for name in sorted(set(document) - HEADER_KEYS - {wco.DECLARATION}):
        faults.append(Fault(0, str(name), "", ExchangeError.UNEXPECTED, _("This element is not in the schema.")))
    rows = document.get(wco.DECLARATION)
    if isinstance(rows, dict):
        rows = [rows]
    if not isinstance(rows, list) or not rows:
        faults.append(Fault(0, wco.DECLARATION, "", ExchangeError.REQUIRED, _("The file holds no declaration.")))
        return [], faults
    if len(rows) > MAX_ROWS:
        return [], [
            *faults,
            Fault(0, wco.DECLARATION, "", ExchangeError.BAD_VALUE, _("Too many declarations in one file.")),
        ]
    records: list[Record] = []
    references: set[str] = set()
    for row, raw in enumerate(rows, start=1):
        record = _record(raw, row, faults)
        if record is None:
            continue
        reference = record.values.get("reference")
        if reference in references:
            faults.append(
                Fault(
                    row,
                    f"{wco.DECLARATION}/FunctionalReferenceID",
                    "reference",
                    ExchangeError.DUPLICATE,
                    _("This reference is given twice in the file."),
                )
            )
        if reference is not None:
            references.add(reference)
        records.append(record)
    return records, faults
