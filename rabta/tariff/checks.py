"""Checking declared items against the tariff in force on their date — the function the customs
domain calls for every declaration item.

Contract (docs/tariff.md):

* ``tariff_check(code=..., on=..., unit=..., documents=...)`` returns a list of :class:`Finding`,
  empty when the item passes. It never raises for bad input: a malformed or unknown code is a
  finding like any other, so an import can report it against its row.
* ``tariff_check_batch(items)`` checks many items at once with a fixed number of queries (three)
  per call, whatever the number of items: split a file of a million rows into batches of
  ``CHECK_BATCH_SIZE`` and call it once per batch.

Findings (``FindingCode``): ``code_malformed``, ``code_unknown``, ``code_not_in_force`` (not yet or
no longer in force on the date), ``code_not_national_line`` (a code that has codes below it: the
most detailed one must be declared), ``unit_mismatch`` (the quantity's unit is not the code's supplementary
unit, or kg for a code without one), ``document_missing`` (a restriction, quota or certificate
whose document is not among ``documents``), ``prohibited``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rabta.tariff.choices import DOCUMENT_KINDS, Direction, MeasureKind, Unit
from rabta.tariff.codes import CODE_LENGTHS, code_clean, code_display, code_is_wellformed, code_prefixes
from rabta.tariff.errors import FindingCode
from rabta.tariff.models import Measure, TariffCode

CHECK_BATCH_SIZE = 5_000  # items per call: their distinct codes and prefixes stay far below the bound-parameter limits
DEFAULT_UNIT = Unit.KG


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a declared item: a machine-readable ``code``, the item's ``field`` at
    fault (``code``, ``unit`` or ``documents``), an English ``message``, and for measures the
    agency and document concerned."""

    code: FindingCode
    field: str
    message: str
    measure: int | None = None
    agency: str = ""
    document: str = ""


@dataclass(frozen=True)
class CheckItem:
    code: str
    on: date
    unit: str | None = None
    documents: frozenset[str] = frozenset()
    direction: str = Direction.IMPORT


def _document_key(document: str) -> str:
    return "".join(document.split()).upper()


def tariff_check(
    *,
    code: str,
    on: date,
    unit: str | None,
    documents: set[str] | frozenset[str],
    direction: str = Direction.IMPORT,
) -> list[Finding]:
    """Findings for one declared item (three queries); see the module's contract."""
    return tariff_check_batch([CheckItem(code, on, unit, frozenset(documents), direction)])[0]


def _in_force(row: dict[str, Any], on: date) -> bool:
    return row["valid_from"] <= on and (row["valid_to"] is None or row["valid_to"] >= on)


def tariff_check_batch(items: Sequence[CheckItem] | Iterable[CheckItem]) -> list[list[Finding]]:
    """Findings for every item, in the items' order, with three queries for the whole batch."""
    items = list(items)
    cleaned = [code_clean(item.code) for item in items]
    prefixes = {prefix for code in cleaned if code_is_wellformed(code) for prefix in code_prefixes(code)}
    codes: dict[str, dict[str, Any]] = {}
    measures: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with_lines: set[str] = set()
    if prefixes:
        codes = {
            row["code"]: row
            for row in TariffCode.objects.filter(code__in=prefixes).values("code", "unit", "valid_from", "valid_to")
        }
        for row in Measure.objects.filter(code__code__in=list(codes)).values(
            "pk", "code__code", "kind", "direction", "agency", "document", "valid_from", "valid_to"
        ):
            measures[row["code__code"]].append(row)
        declared = {code for code in cleaned if code in codes and len(code) < max(CODE_LENGTHS)}
        if declared:
            with_lines = set(
                TariffCode.objects.filter(parent__code__in=declared).values_list("parent__code", flat=True).distinct()
            )
    return [_check_one(item, code, codes, measures, with_lines) for item, code in zip(items, cleaned, strict=True)]


def _check_one(
    item: CheckItem,
    code: str,
    codes: dict[str, dict[str, Any]],
    measures: dict[str, list[dict[str, Any]]],
    with_lines: set[str],
) -> list[Finding]:
    if not code_is_wellformed(code):
        return [Finding(FindingCode.CODE_MALFORMED, "code", f"{item.code[:40]!r} is not a 2 to 12 digit tariff code.")]
    row = codes.get(code)
    if row is None:
        return [Finding(FindingCode.CODE_UNKNOWN, "code", f"No tariff code {code_display(code)}.")]
    findings: list[Finding] = []
    if not _in_force(row, item.on):
        until = row["valid_to"].isoformat() if row["valid_to"] else "—"
        findings.append(
            Finding(
                FindingCode.CODE_NOT_IN_FORCE,
                "code",
                f"{code_display(code)} is in force from {row['valid_from']} to {until}, not on {item.on}.",
            )
        )
    if code in with_lines:
        findings.append(
            Finding(
                FindingCode.CODE_NOT_NATIONAL_LINE,
                "code",
                f"{code_display(code)} has codes below it: declare the one that fits.",
            )
        )
    line = [codes[prefix] for prefix in code_prefixes(code) if prefix in codes]
    if item.unit is not None:
        expected = next((step["unit"] for step in reversed(line) if step["unit"]), DEFAULT_UNIT)
        if item.unit.strip().casefold() != expected.casefold():  # "KG" and "kg" are one unit
            findings.append(
                Finding(
                    FindingCode.UNIT_MISMATCH,
                    "unit",
                    f"{code_display(code)} is declared in {expected}, not {item.unit[:20]!r}.",
                )
            )
    documents = {_document_key(document) for document in item.documents}
    for step in line:
        for measure in measures.get(step["code"], []):
            if measure["direction"] != item.direction or not _in_force(measure, item.on):
                continue
            if measure["kind"] == MeasureKind.PROHIBITED:
                findings.append(
                    Finding(
                        FindingCode.PROHIBITED,
                        "code",
                        f"The {item.direction} of goods under {code_display(step['code'])} is prohibited.",
                        measure=measure["pk"],
                        agency=measure["agency"],
                    )
                )
            elif measure["kind"] in DOCUMENT_KINDS and _document_key(measure["document"]) not in documents:
                findings.append(
                    Finding(
                        FindingCode.DOCUMENT_MISSING,
                        "documents",
                        f"{measure['document']} from {measure['agency']} is required ({measure['kind']}).",
                        measure=measure["pk"],
                        agency=measure["agency"],
                        document=measure["document"],
                    )
                )
    return findings
