"""``hs_import``: the HS nomenclature (sections, chapters, headings, six-digit subheadings) from
UN Comtrade's HS 2022 files (``../shared/data/customs/hs-codes/``, see SOURCES.md there), with the
Urdu titles Rabta ships for sections and chapters (``rabta/tariff/data/hs_urdu.csv``).

Idempotent: a row whose values are already stored is left alone, so a second run changes nothing
and writes no event. Every row is checked; a bad row is reported with its line number and field and
the good rows are kept. National lines (8 to 12 digits) are never touched by this import.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from tqdm import tqdm

from rabta.core.errors import DomainError
from rabta.core.events import event_record
from rabta.tariff.choices import HS_LEVELS
from rabta.tariff.errors import TariffError
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import HsImport, Section, TariffCode
from rabta.tariff.search_text import search_text_for

HS_2022_IN_FORCE = date(2022, 1, 1)
BATCH_SIZE = 500  # rows per INSERT/UPDATE, well under SQLite's bound-parameter limit
URDU_TITLES = Path(__file__).resolve().parent.parent / "data" / "hs_urdu.csv"
ROOT = "TOTAL"  # the file's root row and the parent of its chapters
CODE_COLUMNS = ("section", "hscode", "description", "parent", "level")
SECTION_COLUMNS = ("section", "name")


@dataclass
class HsImportResult:
    sections_created: int = 0
    sections_updated: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sections_created": self.sections_created,
            "sections_updated": self.sections_updated,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejects),
            "rejects": self.rejects,
        }


def _read(path: Path, columns: Iterable[str], field_name: str) -> list[dict[str, str]]:
    # Both files may start with a byte-order mark (sections.csv does).
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            raise DomainError.for_field(
                field_name, TariffError.MISSING_COLUMN, f"{path.name} has no column {', '.join(missing)}."
            )
        return list(reader)


def _urdu_titles() -> dict[str, str]:
    with URDU_TITLES.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["title_ur"] for row in csv.DictReader(handle)}


def _roman(number: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    if not number or any(char not in values for char in number):
        return None
    total = 0
    for index, char in enumerate(number):
        value = values[char]
        total += -value if index + 1 < len(number) and values[number[index + 1]] > value else value
    return total


def _reject(result: HsImportResult, row: int, field_name: str, code: str, message: str) -> None:
    result.rejects.append({"row": row, "field": field_name, "code": str(code), "message": message})


def _sections(rows: list[dict[str, str]], urdu: dict[str, str], result: HsImportResult) -> dict[str, Section]:
    existing = {section.number: section for section in Section.objects.all()}
    for line, row in enumerate(rows, start=2):  # the header is line 1
        number, title = row["section"].strip(), " ".join(row["name"].split())
        position = _roman(number)
        if position is None:
            _reject(result, line, "section", TariffError.INVALID_ROW, f"{number!r} is not a Roman numeral.")
            continue
        if not title:
            _reject(result, line, "name", TariffError.REQUIRED, "The section has no name.")
            continue
        title = title[0].upper() + title[1:]
        title_ur = urdu.get(number, "")
        section = existing.get(number)
        if section is None:
            existing[number] = Section.objects.create(number=number, position=position, title=title, title_ur=title_ur)
            result.sections_created += 1
        elif (section.title, section.title_ur or title_ur) != (title, section.title_ur):
            section.title, section.title_ur = title, section.title_ur or title_ur
            section.save(update_fields=["title", "title_ur", "updated_at"])
            result.sections_updated += 1
    return existing


def hs_import(*, codes_path: Path, sections_path: Path, progress: bool = False) -> HsImportResult:
    """Load or refresh the HS tree. Returns counts and the rejected rows (row numbers as in the
    file, the header being row 1)."""
    for path, name in ((Path(codes_path), "codes"), (Path(sections_path), "sections")):
        if not path.is_file():
            raise DomainError.for_field(name, TariffError.FILE_NOT_FOUND, f"No file at {path}.")
    code_rows = _read(Path(codes_path), CODE_COLUMNS, "codes")
    section_rows = _read(Path(sections_path), SECTION_COLUMNS, "sections")
    urdu = _urdu_titles()
    result = HsImportResult()
    digest = hashlib.sha256(Path(codes_path).read_bytes() + Path(sections_path).read_bytes()).hexdigest()
    with transaction.atomic():
        sections = _sections(section_rows, urdu, result)
        wanted: dict[str, dict[str, Any]] = {}
        for line, row in enumerate(code_rows, start=2):
            code, parent = row["hscode"].strip(), row["parent"].strip()
            if code == ROOT:
                continue
            if not code.isdigit() or len(code) not in HS_LEVELS:
                _reject(result, line, "hscode", TariffError.CODE_MALFORMED, f"{code!r} is not a 2, 4 or 6 digit code.")
                continue
            if str(len(code)) != row["level"].strip():
                _reject(result, line, "level", TariffError.INVALID_ROW, f"Level {row['level']!r} does not fit {code}.")
                continue
            expected_parent = ROOT if len(code) == 2 else code[: len(code) - 2]
            if parent != expected_parent or (parent != ROOT and parent not in wanted):
                _reject(result, line, "parent", TariffError.PARENT_UNKNOWN, f"{parent!r} is not the parent of {code}.")
                continue
            description = " ".join(row["description"].split())
            if not description:
                _reject(result, line, "description", TariffError.REQUIRED, f"{code} has no description.")
                continue
            section_number = row["section"].strip()
            section = sections.get(section_number)
            if section is None and section_number != ROOT:
                _reject(result, line, "section", TariffError.INVALID_ROW, f"No section {section_number!r}.")
                continue
            wanted[code] = {
                "description": description,
                "section": section,
                "parent": None if parent == ROOT else parent,
            }
        _codes(wanted, urdu, result, progress)
        if result.created or result.updated or result.sections_created or result.sections_updated:
            run = HsImport.objects.create(
                source=str(codes_path)[:500], sha256=digest, created=result.created, updated=result.updated
            )
            event_record(
                kind=TariffEvent.HS_IMPORTED,
                subject=run,
                data={key: value for key, value in result.as_dict().items() if key != "rejects"},
            )
    return result


def _codes(wanted: dict[str, dict[str, Any]], urdu: dict[str, str], result: HsImportResult, progress: bool) -> None:
    existing = {code.code: code for code in TariffCode.objects.filter(level__in=[int(level) for level in HS_LEVELS])}
    ids = {code: row.pk for code, row in existing.items()}
    with tqdm(total=len(wanted), desc="HS codes", unit="code", disable=not progress) as bar:
        for level in HS_LEVELS:  # parents before children, so their ids are known
            to_create: list[TariffCode] = []
            to_update: list[TariffCode] = []
            for code, values in wanted.items():
                if len(code) != level:
                    continue
                current = existing.get(code)
                # Staff may have written a better Urdu description than the shipped chapter title.
                description_ur = (current.description_ur if current else "") or urdu.get(code, "")
                fields = {
                    "description": values["description"],
                    "description_ur": description_ur,
                    "section_id": values["section"].pk if values["section"] else None,
                    "parent_id": ids[values["parent"]] if values["parent"] else None,
                }
                fields["search_text"] = search_text_for(
                    code=code, description=fields["description"], description_ur=description_ur
                )
                if current is None:
                    to_create.append(TariffCode(code=code, level=level, valid_from=HS_2022_IN_FORCE, **fields))
                elif any(getattr(current, name) != value for name, value in fields.items()):
                    for name, value in fields.items():
                        setattr(current, name, value)
                    to_update.append(current)
                else:
                    result.unchanged += 1
                    bar.update(1)
            for start in range(0, len(to_create), BATCH_SIZE):
                batch = TariffCode.objects.bulk_create(to_create[start : start + BATCH_SIZE])
                bar.update(len(batch))
            if to_update:
                TariffCode.objects.bulk_update(
                    to_update,
                    ["description", "description_ur", "section_id", "parent_id", "search_text"],
                    batch_size=BATCH_SIZE,
                )
            bar.update(len(to_update))
            result.created += len(to_create)
            result.updated += len(to_update)
            ids.update(dict(TariffCode.objects.filter(level=level).values_list("code", "id")))
