"""Writes to the directory: the shipped reference data (jurisdictions, governments, departments)
and offices with their materialised reporting-line paths."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from rabta.accounts.types import Actor
from rabta.core.db import locked
from rabta.core.errors import DomainError, InvalidTransition, field_errors, validation_error_to_domain
from rabta.core.events import event_record
from rabta.directory.choices import GovernmentLevel, JurisdictionKind
from rabta.directory.errors import DirectoryError
from rabta.directory.events import DirectoryEvent
from rabta.directory.models import Department, Government, Jurisdiction, Office, office_within

DATA_DIR = Path(__file__).resolve().parent / "data"
JURISDICTIONS_CSV = DATA_DIR / "jurisdictions.csv"
GOVERNMENTS_CSV = DATA_DIR / "governments.csv"
DEPARTMENTS_CSV = DATA_DIR / "departments.csv"

# Codes are ids other systems keep (ISO 3166-2 style "PK-PB-LHR"): upper case, digits and hyphens.
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


# --- reading the shipped CSV files -------------------------------------------------------------


def _row_error(path: Path, line: int, column: str, code: DirectoryError, message: str) -> DomainError:
    """Name the file, row and column so that whoever edits the data finds the mistake at once."""
    text = f"{path.name} row {line}, column {column}: {message}"
    return DomainError(code, text, fields=field_errors((column, code, text)))


def _csv_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, stripped row); raise a DomainError for a missing file or column."""
    if not path.is_file():
        raise DomainError(
            DirectoryError.FILE_NOT_FOUND,
            f"{path}: file not found.",
            fields=field_errors(("file", DirectoryError.FILE_NOT_FOUND, f"{path}: file not found.")),
        )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in columns:
            if column not in header:
                raise _row_error(
                    path, 1, column, DirectoryError.MISSING_COLUMN, "this column is missing from the header."
                )
        for row in reader:
            values = {key: (value or "").strip() for key, value in row.items() if key is not None}
            if not any(values.values()):
                continue
            yield reader.line_num, values


def _require(path: Path, line: int, row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _row_error(path, line, column, DirectoryError.REQUIRED, "a value is required.")
    return value


def _code(path: Path, line: int, row: dict[str, str], column: str, seen: set[str]) -> str:
    code = _require(path, line, row, column)
    if not CODE_RE.match(code):
        raise _row_error(
            path,
            line,
            column,
            DirectoryError.INVALID_CODE,
            f"{code!r} is not a code (upper-case letters, digits and hyphens).",
        )
    if code in seen:
        raise _row_error(path, line, column, DirectoryError.DUPLICATE_CODE, f"{code!r} appears more than once.")
    seen.add(code)
    return code


def _upsert(model_obj: Any, values: dict[str, Any]) -> bool:
    """Copy ``values`` onto an existing row; save only the fields that changed. True if it changed."""
    changed = [name for name, value in values.items() if getattr(model_obj, name) != value]
    for name in changed:
        setattr(model_obj, name, values[name])
    if changed:
        model_obj.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


# --- jurisdictions ---------------------------------------------------------------------------------


def jurisdictions_load_result(path: Path | str | None = None, *, actor: Actor = None) -> LoadResult:
    """Upsert the jurisdictions file in one transaction and say what changed.

    A row's parent must be defined on an earlier row or already be in the database, which keeps the
    file readable top-down and makes a cycle impossible. Any bad row stops the load before anything
    is written (the whole file is validated first)."""
    source = Path(path) if path else JURISDICTIONS_CSV
    kinds = set(JurisdictionKind.values)
    seen: set[str] = set()
    parsed: list[dict[str, str]] = []
    known_in_db = set(Jurisdiction.objects.values_list("code", flat=True))
    for line, row in _csv_rows(source, ("code", "kind", "name", "name_ur", "parent_code")):
        code = _code(source, line, row, "code", seen)
        kind = _require(source, line, row, "kind")
        if kind not in kinds:
            raise _row_error(
                source,
                line,
                "kind",
                DirectoryError.INVALID_CHOICE,
                f"{kind!r} is not one of {', '.join(sorted(kinds))}.",
            )
        _require(source, line, row, "name")
        parent_code = row.get("parent_code", "")
        if kind == JurisdictionKind.COUNTRY and parent_code:
            raise _row_error(source, line, "parent_code", DirectoryError.UNKNOWN_PARENT, "a country has no parent.")
        if kind != JurisdictionKind.COUNTRY:
            if not parent_code:
                raise _row_error(source, line, "parent_code", DirectoryError.REQUIRED, "a value is required.")
            if parent_code == code or (parent_code not in seen and parent_code not in known_in_db):
                raise _row_error(
                    source,
                    line,
                    "parent_code",
                    DirectoryError.UNKNOWN_PARENT,
                    f"{parent_code!r} is not defined on an earlier row.",
                )
        parsed.append(row)

    created = updated = unchanged = 0
    with transaction.atomic():
        by_code: dict[str, Jurisdiction] = {j.code: j for j in Jurisdiction.objects.select_for_update()}
        for row in parsed:
            parent = by_code[row["parent_code"]] if row["parent_code"] else None
            values: dict[str, Any] = {
                "kind": row["kind"],
                "name": row["name"],
                "name_ur": row["name_ur"],
                "parent_id": parent.pk if parent else None,
            }
            existing = by_code.get(row["code"])
            if existing is None:
                by_code[row["code"]] = Jurisdiction.objects.create(code=row["code"], **values)
                created += 1
            elif _upsert(existing, values):
                updated += 1
            else:
                unchanged += 1
        if created or updated:
            # One summary event for a reference-data load: the file itself is the record of each row.
            root = by_code[parsed[0]["code"]]
            event_record(
                kind=DirectoryEvent.JURISDICTIONS_LOADED,
                subject=root,
                actor=actor,
                data={"file": source.name, "created": created, "updated": updated},
            )
    return LoadResult(created, updated, unchanged)


def jurisdictions_load(path: Path | str | None = None, *, actor: Actor = None) -> int:
    """Load Pakistan's country, provinces and territories, divisions and districts shipped with
    Rabta (or ``path``). Idempotent; returns how many rows were created or updated."""
    return jurisdictions_load_result(path, actor=actor).changed


# --- governments and departments --------------------------------------------------------------------


def governments_load(
    governments_path: Path | str | None = None,
    departments_path: Path | str | None = None,
    *,
    actor: Actor = None,
) -> LoadResult:
    """Upsert the federal, provincial and territorial governments and their departments shipped
    with Rabta. Needs the jurisdictions loaded first. One transaction; idempotent."""
    gov_file = Path(governments_path) if governments_path else GOVERNMENTS_CSV
    dep_file = Path(departments_path) if departments_path else DEPARTMENTS_CSV
    jurisdictions = dict(Jurisdiction.objects.values_list("code", "pk"))
    levels = set(GovernmentLevel.values)

    gov_rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, row in _csv_rows(gov_file, ("code", "name", "name_ur", "level", "jurisdiction_code")):
        code = _code(gov_file, line, row, "code", seen)
        name = _require(gov_file, line, row, "name")
        level = _require(gov_file, line, row, "level")
        if level not in levels:
            raise _row_error(
                gov_file,
                line,
                "level",
                DirectoryError.INVALID_CHOICE,
                f"{level!r} is not one of {', '.join(sorted(levels))}.",
            )
        jurisdiction_code = _require(gov_file, line, row, "jurisdiction_code")
        if jurisdiction_code not in jurisdictions:
            raise _row_error(
                gov_file,
                line,
                "jurisdiction_code",
                DirectoryError.UNKNOWN_REFERENCE,
                f"no jurisdiction {jurisdiction_code!r} (load the jurisdictions first).",
            )
        gov_rows.append(
            {
                "code": code,
                "name": name,
                "name_ur": row["name_ur"],
                "level": level,
                "jurisdiction_id": jurisdictions[jurisdiction_code],
            }
        )

    dep_rows: list[tuple[str, dict[str, Any]]] = []
    seen_dep: set[str] = set()
    for line, row in _csv_rows(dep_file, ("government_code", "code", "name", "name_ur", "is_customs")):
        government_code = _require(dep_file, line, row, "government_code")
        if government_code not in seen:
            raise _row_error(
                dep_file,
                line,
                "government_code",
                DirectoryError.UNKNOWN_REFERENCE,
                f"no government {government_code!r} in {gov_file.name}.",
            )
        code = _code(dep_file, line, row, "code", seen_dep)
        name = _require(dep_file, line, row, "name")
        flag = row["is_customs"].lower()
        if flag not in {"yes", "no", ""}:
            raise _row_error(dep_file, line, "is_customs", DirectoryError.INVALID_CHOICE, "use yes or no.")
        dep_rows.append(
            (government_code, {"code": code, "name": name, "name_ur": row["name_ur"], "is_customs": flag == "yes"})
        )

    created = updated = unchanged = 0
    with transaction.atomic():
        governments = {g.code: g for g in Government.objects.select_for_update()}
        for values in gov_rows:
            existing = governments.get(values["code"])
            if existing is None:
                governments[values["code"]] = Government.objects.create(**values)
                created += 1
            elif _upsert(existing, values):
                updated += 1
            else:
                unchanged += 1
        departments = {d.code: d for d in Department.objects.select_for_update()}
        for government_code, values in dep_rows:
            values["government_id"] = governments[government_code].pk
            dep = departments.get(values["code"])
            if dep is None:
                Department.objects.create(**values)
                created += 1
            elif _upsert(dep, values):
                updated += 1
            else:
                unchanged += 1
        if created or updated:
            event_record(
                kind=DirectoryEvent.GOVERNMENTS_LOADED,
                subject=governments[gov_rows[0]["code"]],
                actor=actor,
                data={"created": created, "updated": updated},
            )
    return LoadResult(created, updated, unchanged)


# --- offices ------------------------------------------------------------------------------------------


def office_path(office: Office, parent: Office | None) -> tuple[str, int]:
    """The materialised path and depth of ``office`` (which must have a pk) under ``parent``."""
    parent_path = parent.path if parent is not None else "/"
    return f"{parent_path}{office.pk}/", parent_path.count("/") - 1


@transaction.atomic
def office_create(
    *,
    department: Department,
    code: str,
    name: str,
    level: str,
    jurisdiction: Jurisdiction,
    parent: Office | None = None,
    name_ur: str = "",
    email: str = "",
    actor: Actor = None,
) -> Office:
    """Create an office under ``parent`` (None for a department's head office), keeping its path."""
    from django.core.exceptions import ValidationError

    office = Office(
        department=department,
        code=code,
        name=name,
        name_ur=name_ur,
        level=level,
        jurisdiction=jurisdiction,
        parent=parent,
        email=email,
    )
    try:
        office.full_clean(exclude=["path", "depth"])
    except ValidationError as exc:
        raise validation_error_to_domain(exc) from exc
    office.save()
    office.path, office.depth = office_path(office, parent)
    office.save(update_fields=["path", "depth"])
    event_record(
        kind=DirectoryEvent.OFFICE_CREATED,
        subject=office,
        actor=actor,
        data={"code": code, "parent": parent.code if parent else None},
    )
    return office


@transaction.atomic
def office_move(*, office: Office, new_parent: Office | None, actor: Actor = None) -> Office:
    """Put ``office`` (and everything below it) under ``new_parent``; None makes it a head office.

    Every path in the subtree is rewritten with one UPDATE (prefix swap), so a move of a head office
    with thousands of offices below it stays one statement. Moving an office under itself or under
    one of its own descendants would make the reporting line a loop, so it is refused."""
    office = locked(office)
    if new_parent is not None:
        new_parent = locked(new_parent)
        if office_within(new_parent, office):
            raise DomainError(
                DirectoryError.OFFICE_MOVE_CYCLE,
                f"parent: {new_parent.code} is {office.code} itself or below it; the reporting line would loop.",
                fields=field_errors(
                    (
                        "parent",
                        DirectoryError.OFFICE_MOVE_CYCLE,
                        "An office cannot report to itself or to an office below it.",
                    )
                ),
            )
    old_parent_code = office.parent.code if office.parent else None
    if office.parent_id == (new_parent.pk if new_parent else None):
        return office
    old_path, old_depth = office.path, office.depth
    new_path, new_depth = office_path(office, new_parent)
    Office.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (new_depth - old_depth),
        updated_at=timezone.now(),
    )
    office.parent = new_parent
    office.path, office.depth = new_path, new_depth
    office.save(update_fields=["parent", "updated_at"])
    event_record(
        kind=DirectoryEvent.OFFICE_MOVED,
        subject=office,
        actor=actor,
        data={"from_parent": old_parent_code, "to_parent": new_parent.code if new_parent else None},
    )
    return office


@transaction.atomic
def office_deactivate(*, office: Office, actor: Actor = None, reason: str = "") -> Office:
    """Stop routing to ``office``. Refused while active offices still report to it, because their
    escalations would climb into an office nobody watches."""
    office = locked(office)
    if not office.is_active:
        raise InvalidTransition(f"{office.code} is already inactive.", code=DirectoryError.OFFICE_INACTIVE)
    if office.children.filter(is_active=True).exists():
        raise InvalidTransition(
            f"{office.code} still has active offices reporting to it; move or deactivate them first.",
            code=DirectoryError.OFFICE_HAS_ACTIVE_CHILDREN,
        )
    office.is_active = False
    office.save(update_fields=["is_active", "updated_at"])
    event_record(
        kind=DirectoryEvent.OFFICE_DEACTIVATED,
        subject=office,
        actor=actor,
        from_state="active",
        to_state="inactive",
        reason=reason,
    )
    return office


@transaction.atomic
def office_activate(*, office: Office, actor: Actor = None, reason: str = "") -> Office:
    """Route to ``office`` again. Refused under an inactive parent, for the reason deactivation is
    refused above active children."""
    office = Office.objects.select_related("parent").select_for_update(of=("self",)).get(pk=office.pk)
    if office.is_active:
        raise InvalidTransition(f"{office.code} is already active.", code=DirectoryError.OFFICE_ACTIVE)
    if office.parent is not None and not office.parent.is_active:
        raise InvalidTransition(
            f"{office.code} reports to {office.parent.code}, which is inactive; activate it first.",
            code=DirectoryError.OFFICE_PARENT_INACTIVE,
        )
    office.is_active = True
    office.save(update_fields=["is_active", "updated_at"])
    event_record(
        kind=DirectoryEvent.OFFICE_ACTIVATED,
        subject=office,
        actor=actor,
        from_state="inactive",
        to_state="active",
        reason=reason,
    )
    return office
