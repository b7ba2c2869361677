"""Checking and applying one change to the tariff: a new national line, rate or measure, or the
end-dating of one. ``tariff_change_check`` validates a proposal (and again at approval, as the
tariff may have moved since); ``tariff_change_apply`` writes it with its event. Only
``rabta.tariff.services.changes`` (after a second person's approval) and the system itself (the
demo loader, with ``actor=None``) call ``tariff_change_apply``.

Every problem is reported under the name of the field at fault with a code from
``rabta.tariff.errors.TariffError``, and nothing is written.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import Conflict, CoreError, DomainError
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.tariff.choices import (
    DOCUMENT_KINDS,
    NATIONAL_LEVELS,
    Basis,
    ChangeKind,
    Direction,
    Duty,
    EndTarget,
    MeasureKind,
    Unit,
)
from rabta.tariff.codes import code_clean, code_is_wellformed, code_parent
from rabta.tariff.errors import TariffError
from rabta.tariff.events import TariffEvent
from rabta.tariff.models import DutyRate, Measure, TariffCode
from rabta.tariff.search_text import search_text_for

# Above these a rate is a typing error, not a policy: Pakistan's highest single ad valorem duties
# (regulatory duty on some luxury goods) are under 100 %, and no specific duty is near the amount.
MAX_PERCENT = Decimal("400")
MAX_AMOUNT = Decimal("10000000")
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)

FieldErrors = dict[str, list[dict[str, str]]]


class _Errors:
    def __init__(self) -> None:
        self.fields: FieldErrors = {}

    def add(self, field: str, code: str, message: str) -> None:
        self.fields.setdefault(field, []).append({"code": str(code), "message": str(message)})

    def raise_if_any(self, cls: type[DomainError] = DomainError) -> None:
        if self.fields:
            first, errors = next(iter(self.fields.items()))
            raise cls(CoreError.VALIDATION, f"{first}: {errors[0]['message']}", fields=self.fields)


def _date(errors: _Errors, data: dict[str, Any], name: str, *, required: bool) -> date | None:
    raw = data.get(name)
    if raw in (None, ""):
        if required:
            errors.add(name, TariffError.REQUIRED, _("A date is required."))
        return None
    if isinstance(raw, date):
        value = raw
    else:
        try:
            value = date.fromisoformat(str(raw))
        except ValueError:
            errors.add(name, TariffError.INVALID_DATE, _("Not a date (YYYY-MM-DD)."))
            return None
    if not EARLIEST <= value <= LATEST:
        errors.add(name, TariffError.INVALID_DATE, _("The date is outside 1990–2100."))
        return None
    return value


def _choice(errors: _Errors, data: dict[str, Any], name: str, choices: Any, *, required: bool = True) -> str:
    value = str(data.get(name) or "")
    if not value:
        if required:
            errors.add(name, TariffError.REQUIRED, _("A value is required."))
        return ""
    if value not in choices.values:
        errors.add(
            name,
            TariffError.INVALID_CHOICE,
            _("%(value)s is not one of %(choices)s.")
            % {
                "value": value[:40],
                "choices": ", ".join(choices.values),
            },
        )
        return ""
    return value


def _decimal(errors: _Errors, data: dict[str, Any], name: str, maximum: Decimal) -> Decimal | None:
    raw = data.get(name)
    if raw in (None, ""):
        errors.add(name, TariffError.REQUIRED, _("A number is required."))
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.add(name, TariffError.INVALID_ROW, _("Not a number."))
        return None
    if not value.is_finite():
        errors.add(name, TariffError.RATE_ABSURD, _("Not a finite number."))
    elif value < 0:
        errors.add(name, TariffError.RATE_NEGATIVE, _("A rate cannot be negative."))
    elif value > maximum:
        errors.add(
            name,
            TariffError.RATE_ABSURD,
            _("%(value)s is above the largest plausible rate, %(max)s.")
            % {
                "value": value,
                "max": maximum,
            },
        )
    elif value != value.quantize(Decimal("0.001")):
        errors.add(name, TariffError.INVALID_ROW, _("At most three decimal places."))
    else:
        return value
    return None


def _text(errors: _Errors, data: dict[str, Any], model: type[Model], name: str, *, required: bool) -> str:
    holder: FieldErrors = {}
    value = text_clean(data.get(name), model=model, name=name, errors=holder)
    for error in holder.get(name, []):
        errors.add(name, error["code"], error["message"])
    if required and not value and not holder:
        errors.add(name, TariffError.REQUIRED, _("This field is required."))
    return value


def _code(errors: _Errors, data: dict[str, Any], name: str = "code") -> TariffCode | None:
    raw = code_clean(data.get(name) or "")
    if not raw:
        errors.add(name, TariffError.REQUIRED, _("A tariff code is required."))
        return None
    if not code_is_wellformed(raw):
        errors.add(name, TariffError.CODE_MALFORMED, _("A code has 2, 4, 6, 8, 10 or 12 digits."))
        return None
    found = TariffCode.objects.filter(code=raw).first()
    if found is None:
        errors.add(name, TariffError.CODE_UNKNOWN, _("No tariff code %(code)s.") % {"code": raw})
    return found


def _validity(errors: _Errors, data: dict[str, Any]) -> tuple[date | None, date | None]:
    valid_from = _date(errors, data, "valid_from", required=True)
    valid_to = _date(errors, data, "valid_to", required=False)
    if valid_from and valid_to and valid_to < valid_from:
        errors.add("valid_to", TariffError.DATES_REVERSED, _("The last day comes before the first."))
    return valid_from, valid_to


def _within_code(errors: _Errors, code: TariffCode | None, valid_from: date | None, valid_to: date | None) -> None:
    if code is None or valid_from is None:
        return
    starts_early = valid_from < code.valid_from
    ends_late = code.valid_to is not None and (valid_to is None or valid_to > code.valid_to)
    if starts_early or ends_late:
        errors.add(
            "valid_from" if starts_early else "valid_to",
            TariffError.OUTSIDE_CODE_VALIDITY,
            _("Code %(code)s is in force from %(start)s to %(end)s only.")
            % {"code": code.code, "start": code.valid_from, "end": code.valid_to or "—"},
        )


def _overlapping(queryset: Any, valid_from: date, valid_to: date | None) -> list[Any]:
    """Rows of ``queryset`` whose validity meets [valid_from, valid_to]."""
    meets = Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    if valid_to is not None:
        meets &= Q(valid_from__lte=valid_to)
    return list(queryset.filter(meets))


def _superseded(errors: _Errors, rows: list[Any], valid_from: date) -> Any:
    """The one open-ended row that began before ``valid_from`` (closed the day before by the new
    row), or an overlap error for anything else that meets the new range."""
    if not rows:
        return None
    if len(rows) == 1 and rows[0].valid_to is None and rows[0].valid_from < valid_from:
        return rows[0]
    errors.add(
        "valid_from",
        TariffError.OVERLAPPING_VALIDITY,
        _("Overlaps the row in force from %(start)s to %(end)s; end-date it first.")
        % {"start": rows[0].valid_from, "end": rows[0].valid_to or "—"},
    )
    return None


def tariff_change_check(*, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The change as it would be stored (JSON-ready), or a DomainError naming every field at fault."""
    errors = _Errors()
    if kind not in ChangeKind.values:
        errors.add("kind", TariffError.INVALID_CHOICE, _("Not a kind of change."))
        errors.raise_if_any()
    checked = {
        ChangeKind.CODE_ADD: _check_code,
        ChangeKind.RATE_ADD: _check_rate,
        ChangeKind.MEASURE_ADD: _check_measure,
    }
    clean = checked[ChangeKind(kind)](errors, data) if kind != ChangeKind.END else _check_end(errors, data)
    overlap = any(error["code"] == TariffError.OVERLAPPING_VALIDITY for error in errors.fields.get("valid_from", []))
    errors.raise_if_any(Conflict if overlap and len(errors.fields) == 1 else DomainError)
    return clean


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _check_code(errors: _Errors, data: dict[str, Any]) -> dict[str, Any]:
    code = code_clean(data.get("code") or "")
    parent: TariffCode | None = None
    if not code:
        errors.add("code", TariffError.REQUIRED, _("A tariff code is required."))
    elif not code_is_wellformed(code):
        errors.add("code", TariffError.CODE_MALFORMED, _("A code has 2, 4, 6, 8, 10 or 12 digits."))
    elif len(code) not in NATIONAL_LEVELS:
        errors.add("code", TariffError.CODE_NOT_NATIONAL, _("Only national lines (8, 10 or 12 digits) are added here."))
    elif TariffCode.objects.filter(code=code).exists():
        errors.add("code", TariffError.CODE_EXISTS, _("Code %(code)s exists already.") % {"code": code})
    else:
        parent = TariffCode.objects.filter(code=code_parent(code)).first()
        if parent is None:
            errors.add(
                "code", TariffError.PARENT_UNKNOWN, _("No code %(parent)s above it.") % {"parent": code_parent(code)}
            )
    description = _text(errors, data, TariffCode, "description", required=True)
    description_ur = _text(errors, data, TariffCode, "description_ur", required=False)
    unit = _choice(errors, data, "unit", Unit, required=False)
    valid_from, valid_to = _validity(errors, data)
    if (
        parent is not None
        and valid_from is not None
        and not TariffCode.objects.in_force(valid_from).filter(pk=parent.pk).exists()
    ):
        errors.add(
            "valid_from",
            TariffError.PARENT_NOT_IN_FORCE,
            _("Code %(parent)s is not in force on that day.") % {"parent": parent.code},
        )
    return {
        "code": code,
        "description": description,
        "description_ur": description_ur,
        "unit": unit,
        "valid_from": _iso(valid_from),
        "valid_to": _iso(valid_to),
    }


def _check_rate(errors: _Errors, data: dict[str, Any]) -> dict[str, Any]:
    code = _code(errors, data)
    duty = _choice(errors, data, "duty", Duty)
    basis = _choice(errors, data, "basis", Basis)
    percent = amount = None
    per_unit = ""
    if basis == Basis.AD_VALOREM:
        percent = _decimal(errors, data, "percent", MAX_PERCENT)
        if data.get("amount") not in (None, ""):
            errors.add("amount", TariffError.RATE_BASIS_MISMATCH, _("An ad valorem rate has a percent, not an amount."))
    elif basis == Basis.SPECIFIC:
        amount = _decimal(errors, data, "amount", MAX_AMOUNT)
        per_unit = _choice(errors, data, "per_unit", Unit)
        if data.get("percent") not in (None, ""):
            errors.add("percent", TariffError.RATE_BASIS_MISMATCH, _("A specific rate has an amount, not a percent."))
    valid_from, valid_to = _validity(errors, data)
    _within_code(errors, code, valid_from, valid_to)
    supersedes = None
    if code is not None and duty and valid_from and not errors.fields:
        rows = _overlapping(DutyRate.objects.filter(code=code, duty=duty), valid_from, valid_to)
        supersedes = _superseded(errors, rows, valid_from)
    return {
        "code": code.code if code else "",
        "duty": duty,
        "basis": basis,
        "percent": str(percent) if percent is not None else None,
        "amount": str(amount) if amount is not None else None,
        "per_unit": per_unit,
        "valid_from": _iso(valid_from),
        "valid_to": _iso(valid_to),
        "legal_basis": _text(errors, data, DutyRate, "legal_basis", required=False),
        "supersedes": supersedes.pk if supersedes else None,
    }


def _check_measure(errors: _Errors, data: dict[str, Any]) -> dict[str, Any]:
    code = _code(errors, data)
    kind = _choice(errors, data, "kind", MeasureKind)
    direction = _choice(errors, data, "direction", Direction)
    agency = _text(errors, data, Measure, "agency", required=kind in DOCUMENT_KINDS)
    document = _text(errors, data, Measure, "document", required=kind in DOCUMENT_KINDS)
    valid_from, valid_to = _validity(errors, data)
    _within_code(errors, code, valid_from, valid_to)
    clean = {
        "code": code.code if code else "",
        "kind": kind,
        "direction": direction,
        "agency": agency,
        "agency_ur": _text(errors, data, Measure, "agency_ur", required=False),
        "document": document,
        "note": _text(errors, data, Measure, "note", required=False),
        "note_ur": _text(errors, data, Measure, "note_ur", required=False),
        "legal_basis": _text(errors, data, Measure, "legal_basis", required=False),
        "valid_from": _iso(valid_from),
        "valid_to": _iso(valid_to),
        "supersedes": None,
    }
    if code is not None and kind and direction and valid_from and not errors.fields:
        same = Measure.objects.filter(code=code, kind=kind, direction=direction, agency=agency, document=document)
        superseded = _superseded(errors, _overlapping(same, valid_from, valid_to), valid_from)
        clean["supersedes"] = superseded.pk if superseded else None
    return clean


def _end_target(errors: _Errors, target: str, data: dict[str, Any]) -> Any:
    if target == EndTarget.CODE:
        return _code(errors, data)
    model = DutyRate if target == EndTarget.RATE else Measure
    raw = str(data.get("id") or "")
    # An id longer than a bigint is no row (and SQLite could not even bind it).
    found = (
        model.objects.select_related("code").filter(pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 19
        else None
    )
    if found is None:
        errors.add("id", TariffError.UNKNOWN_TARGET, _("No such %(target)s.") % {"target": target})
    return found


def _check_end(errors: _Errors, data: dict[str, Any]) -> dict[str, Any]:
    target = _choice(errors, data, "target", EndTarget)
    valid_to = _date(errors, data, "valid_to", required=True)
    row = _end_target(errors, target, data) if target else None
    if row is not None and valid_to is not None:
        if valid_to < row.valid_from:
            errors.add(
                "valid_to",
                TariffError.DATES_REVERSED,
                _("The row starts on %(start)s, after that day.") % {"start": row.valid_from},
            )
        elif row.valid_to is not None and row.valid_to <= valid_to:
            errors.add("valid_to", TariffError.ALREADY_ENDED, _("Already ended on %(end)s.") % {"end": row.valid_to})
    code = row if isinstance(row, TariffCode) else getattr(row, "code", None)
    return {
        "target": target,
        "id": row.code if isinstance(row, TariffCode) else (row.pk if row else None),
        "code": code.code if code else "",
        "valid_to": _iso(valid_to),
    }


def _events(kind: TariffEvent, subject: Model, actor: Actor, change_id: int | None, **data: Any) -> None:
    event_record(kind=kind, subject=subject, actor=actor, data={"change": change_id, **data})


@transaction.atomic
def tariff_change_apply(*, kind: str, data: dict[str, Any], actor: Actor = None, change_id: int | None = None) -> str:
    """Check ``data`` again and write it; returns what was written (``"rate:12"``)."""
    clean = tariff_change_check(kind=kind, data=data)
    if kind == ChangeKind.CODE_ADD:
        parent = TariffCode.objects.get(code=code_parent(clean["code"]))
        code = TariffCode.objects.create(
            code=clean["code"],
            level=len(clean["code"]),
            parent=parent,
            section_id=parent.section_id,
            description=clean["description"],
            description_ur=clean["description_ur"],
            unit=clean["unit"],
            valid_from=clean["valid_from"],
            valid_to=clean["valid_to"],
            search_text=search_text_for(
                code=clean["code"], description=clean["description"], description_ur=clean["description_ur"]
            ),
        )
        _events(TariffEvent.CODE_ADDED, code, actor, change_id, code=code.code)
        return f"code:{code.code}"
    if kind == ChangeKind.END:
        target = EndTarget(clean["target"])
        row: TariffCode | DutyRate | Measure
        if target == EndTarget.CODE:
            row = TariffCode.objects.get(code=clean["id"])
        elif target == EndTarget.RATE:
            row = DutyRate.objects.get(pk=clean["id"])
        else:
            row = Measure.objects.get(pk=clean["id"])
        previous = row.valid_to
        row.valid_to = date.fromisoformat(clean["valid_to"])
        row.save(update_fields=["valid_to", "updated_at"])
        ended = {EndTarget.CODE: TariffEvent.CODE_ENDED, EndTarget.RATE: TariffEvent.RATE_ENDED}
        kind_ended = ended.get(EndTarget(clean["target"]), TariffEvent.MEASURE_ENDED)
        _events(
            kind_ended, row, actor, change_id, valid_to=clean["valid_to"], previous=_iso(previous), code=clean["code"]
        )
        return f"{clean['target']}:{clean['id']}"
    model: type[DutyRate] | type[Measure] = DutyRate if kind == ChangeKind.RATE_ADD else Measure
    values = {key: value for key, value in clean.items() if key not in {"code", "supersedes"}}
    if clean["supersedes"]:
        old = model.objects.get(pk=clean["supersedes"])
        old.valid_to = date.fromisoformat(clean["valid_from"]) - timedelta(days=1)
        old.save(update_fields=["valid_to", "updated_at"])
        ended_kind = TariffEvent.RATE_ENDED if model is DutyRate else TariffEvent.MEASURE_ENDED
        _events(ended_kind, old, actor, change_id, valid_to=_iso(old.valid_to), previous=None, code=clean["code"])
    row = model.objects.create(code=TariffCode.objects.get(code=clean["code"]), **values)
    added = TariffEvent.RATE_ADDED if model is DutyRate else TariffEvent.MEASURE_ADDED
    _events(added, row, actor, change_id, code=clean["code"])
    return f"{'rate' if model is DutyRate else 'measure'}:{row.pk}"
