"""Incident reports: draft, edit, submit, return, approve, amend, move the case on; and the trend
roll-ups folded from approved reports. Each write is one transaction with its event
(``EnforcementEvent``); who may act is asked of ``rabta.enforcement.permissions`` first; every
field is checked before anything is written, and every bad field is named at once."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor, is_signed_in
from rabta.complaints.errors import ComplaintsError
from rabta.complaints.services.attachments import EXTENSIONS, attachment_clean, max_bytes, safe_name
from rabta.core.errors import Conflict, DomainError, FieldErrorCollector
from rabta.core.events import event_record
from rabta.core.references import readable_reference_new
from rabta.core.textinput import text_clean
from rabta.customs.choices import PartyKind
from rabta.customs.codes import COUNTRIES
from rabta.customs.models import Declaration, Party
from rabta.customs.rules import EARLIEST_DATE, QUANTITY_MAX, TARIFF_CODE, UNITS, VALUE_MAX
from rabta.customs.services.parties import PartyRef, party_normalize
from rabta.directory.models import Jurisdiction, Office
from rabta.enforcement import choices
from rabta.enforcement.errors import EnforcementError
from rabta.enforcement.events import EnforcementEvent
from rabta.enforcement.models import (
    Incident,
    IncidentAmendment,
    IncidentEvidence,
    IncidentGoods,
    IncidentParty,
    IncidentTrend,
)
from rabta.enforcement.permissions import IncidentAction, require_incident, require_report
from rabta.risk.choices import ProfileKey
from rabta.risk.services.profiles import profiles_incidents_count
from rabta.tariff.models import TariffCode

if TYPE_CHECKING:
    from rabta.accounts.models import User

GOODS_MAX = 200
PARTIES_MAX = 50
DECLARATIONS_MAX = 50
# The KYC kind a party's identifier is read as, by the role the incident gives it.
PARTY_KIND_FOR_ROLE = {
    choices.PartyRole.IMPORTER: PartyKind.TRADER,
    choices.PartyRole.EXPORTER: PartyKind.TRADER,
    choices.PartyRole.DECLARANT: PartyKind.CLEARING_AGENT,
}
# The report's fields an amendment may correct (goods through ``goods``).
AMENDABLE = (
    "occurred_on",
    "incident_type",
    "modus_operandi",
    "description",
    "location",
    "route",
    "conveyance_kind",
    "conveyance_reference",
)
CASE_ORDER = list(choices.CaseStatus.values)
# A report's evidence runs to a few photos and memos; the cap keeps one report from filling a disk.
EVIDENCE_MAX = 30
REBUILD_BATCH = 5000


@dataclass(frozen=True)
class GoodsInput:
    tariff_code: str
    description: str
    quantity: Any
    unit: str
    value: Any
    origin_country: str = ""


@dataclass(frozen=True)
class PartyInput:
    role: str
    identifier: str = ""
    name: str = ""
    country: str = ""


@dataclass(frozen=True)
class IncidentInput:
    formation: str
    occurred_on: Any
    incident_type: str
    modus_operandi: str
    description: str
    goods: Sequence[GoodsInput]
    parties: Sequence[PartyInput] = ()
    declarations: Sequence[str] = ()
    place: str = ""
    location: str = ""
    route: str = ""
    latitude: Any = None
    longitude: Any = None
    conveyance_kind: str = ""
    conveyance_reference: str = ""


@dataclass
class _Checked:
    header: dict[str, Any] = field(default_factory=dict)
    goods: list[IncidentGoods] = field(default_factory=list)
    parties: list[IncidentParty] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value: Any, errors: FieldErrorCollector, name: str) -> date | None:
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except (TypeError, ValueError):
        errors.add(name, EnforcementError.DATE_INVALID, _("Give the date as YYYY-MM-DD."))
        return None
    if day > timezone.localdate():
        errors.add(name, EnforcementError.DATE_IN_FUTURE, _("The date is in the future."))
    elif day < EARLIEST_DATE:
        errors.add(name, EnforcementError.DATE_TOO_OLD, _("The date is before 1990."))
    return day


def _choice(value: str, allowed: Iterable[str], errors: FieldErrorCollector, name: str, code: Any) -> str:
    if value not in allowed:
        errors.add(name, code, _("Choose one of: %(values)s.") % {"values": ", ".join(v for v in allowed if v)})
    return value


def _text(value: Any, errors: FieldErrorCollector, model: Any, name: str, key: str, *, required: bool = False) -> str:
    text = text_clean(value, model=model, name=name, field=key, errors=errors.fields)
    if required and not text and key not in errors:
        errors.add(key, EnforcementError.TEXT_REQUIRED, _("This is required."))
    return text


def _country(value: str, errors: FieldErrorCollector, key: str) -> str:
    code = (value or "").strip().upper()
    if code and code not in COUNTRIES:
        errors.add(key, EnforcementError.COUNTRY_UNKNOWN, _("Give the country as an ISO 3166 two-letter code."))
    return code


def _goods(rows: Sequence[GoodsInput], errors: FieldErrorCollector) -> list[IncidentGoods]:
    if not rows:
        errors.add("goods", EnforcementError.GOODS_REQUIRED, _("Name at least one line of goods."))
        return []
    if len(rows) > GOODS_MAX:
        errors.add("goods", EnforcementError.TOO_MANY_ROWS, _("At most %(n)d lines of goods.") % {"n": GOODS_MAX})
        return []
    codes = {str(row.tariff_code).strip() for row in rows}
    known = set(TariffCode.objects.filter(code__in=codes).values_list("code", flat=True))
    out = []
    for index, row in enumerate(rows):
        at = f"goods.{index}"
        code = str(row.tariff_code).strip()
        if not TARIFF_CODE.match(code):
            errors.add(f"{at}.tariff_code", EnforcementError.CODE_MALFORMED, _("A tariff code has 6 to 12 digits."))
        elif code not in known:
            errors.add(f"{at}.tariff_code", EnforcementError.CODE_UNKNOWN, _("There is no such code in the tariff."))
        quantity = _decimal(row.quantity)
        if quantity is None or not Decimal(0) < quantity < QUANTITY_MAX or quantity != round(quantity, 3):
            errors.add(
                f"{at}.quantity",
                EnforcementError.QUANTITY_INVALID,
                _("The quantity must be above 0 and below 10^12, with at most 3 decimals."),
            )
        value = _decimal(row.value)
        if value is None or not Decimal(0) <= value < VALUE_MAX or value != round(value, 2):
            errors.add(
                f"{at}.value",
                EnforcementError.VALUE_INVALID,
                _("The value must be 0 or more and below 10^13 rupees, with at most 2 decimals."),
            )
        unit = str(row.unit or "").strip().upper()
        if unit not in UNITS:
            errors.add(f"{at}.unit", EnforcementError.UNIT_UNKNOWN, _("Give a UN/ECE unit code such as KGM or NMB."))
        description = _text(row.description, errors, IncidentGoods, "description", f"{at}.description", required=True)
        origin = _country(row.origin_country, errors, f"{at}.origin_country")
        out.append(
            IncidentGoods(
                line=index + 1,
                tariff_code=code,
                description=description,
                quantity=quantity or Decimal(0),
                unit=unit,
                value=value or Decimal(0),
                origin_country=origin,
            )
        )
    return out


def _parties(rows: Sequence[PartyInput], errors: FieldErrorCollector) -> list[IncidentParty]:
    if len(rows) > PARTIES_MAX:
        errors.add("parties", EnforcementError.TOO_MANY_ROWS, _("At most %(n)d parties.") % {"n": PARTIES_MAX})
        return []
    out = []
    for index, row in enumerate(rows):
        at = f"parties.{index}"
        if row.role not in choices.PartyRole.values:
            errors.add(f"{at}.role", EnforcementError.PARTY_ROLE_UNKNOWN, _("Unknown role of a party."))
            continue
        name = _text(row.name, errors, IncidentParty, "name", f"{at}.name")
        country = _country(row.country, errors, f"{at}.country")
        party = None
        identifier = (row.identifier or "").strip()
        kind = PARTY_KIND_FOR_ROLE.get(choices.PartyRole(row.role))
        if identifier and kind is not None:
            try:
                _clean, digest = party_normalize(PartyRef(kind=kind, identifier=identifier), field=f"{at}.identifier")
            except DomainError as error:
                for key, problems in error.fields.items():
                    for problem in problems:
                        errors.add(key, problem["code"], problem["message"])
                continue
            party = Party.objects.filter(identifier_hash=digest).first()
            if party is None:
                errors.add(
                    f"{at}.identifier", EnforcementError.PARTY_UNKNOWN, _("No party in the registry has this number.")
                )
                continue
        elif not name:
            errors.add(f"{at}.name", EnforcementError.PARTY_NAME_REQUIRED, _("Give the party's name or number."))
            continue
        out.append(IncidentParty(role=row.role, party=party, name=name, country=country))
    return out


def _declarations(numbers: Sequence[str], errors: FieldErrorCollector) -> list[Declaration]:
    if len(numbers) > DECLARATIONS_MAX:
        errors.add(
            "declarations", EnforcementError.TOO_MANY_ROWS, _("At most %(n)d declarations.") % {"n": DECLARATIONS_MAX}
        )
        return []
    wanted = [str(number).strip().upper() for number in numbers]
    found = {d.number.upper(): d for d in Declaration.objects.filter(number__in=wanted)}
    out = []
    for index, number in enumerate(wanted):
        if number not in found:
            errors.add(
                f"declarations.{index}",
                EnforcementError.DECLARATION_UNKNOWN,
                _("There is no declaration with this number."),
            )
        elif found[number] not in out:
            out.append(found[number])
    return out


def _checked(data: IncidentInput, *, actor: Actor, formation: Office | None = None) -> tuple[Office, _Checked]:
    """``data`` checked field by field. A new report names its formation, which must be an active
    customs office the actor reports for; an amendment passes the report's own ``formation`` (its
    permission asked already), which stays its formation even if the office has since closed."""
    errors = FieldErrorCollector()
    if formation is None:
        formation = (
            Office.objects.select_related("department").filter(code=str(data.formation).strip(), is_active=True).first()
        )
        if formation is None or not formation.department.is_customs:
            raise DomainError.for_field(
                "formation", EnforcementError.FORMATION_UNKNOWN, _("There is no such customs formation.")
            )
        require_report(actor, formation)
    checked = _Checked()
    header = checked.header
    header["occurred_on"] = _date(data.occurred_on, errors, "occurred_on")
    header["incident_type"] = _choice(
        data.incident_type, choices.IncidentType.values, errors, "incident_type", EnforcementError.TYPE_UNKNOWN
    )
    header["modus_operandi"] = _choice(
        data.modus_operandi, choices.ModusOperandi.values, errors, "modus_operandi", EnforcementError.MODUS_UNKNOWN
    )
    header["conveyance_kind"] = _choice(
        data.conveyance_kind or "",
        choices.ConveyanceKind.values,
        errors,
        "conveyance_kind",
        EnforcementError.CONVEYANCE_UNKNOWN,
    )
    header["description"] = _text(data.description, errors, Incident, "description", "description", required=True)
    for name in ("location", "route", "conveyance_reference"):
        header[name] = _text(getattr(data, name), errors, Incident, name, name)
    header["place"] = None
    if data.place:
        header["place"] = Jurisdiction.objects.filter(code=str(data.place).strip()).first()
        if header["place"] is None:
            errors.add("place", EnforcementError.PLACE_UNKNOWN, _("There is no such place."))
    latitude, longitude = _decimal(data.latitude), _decimal(data.longitude)
    if (data.latitude in (None, "")) != (data.longitude in (None, "")):
        errors.add(
            "latitude", EnforcementError.COORDINATES_INCOMPLETE, _("Give both latitude and longitude, or neither.")
        )
    if data.latitude not in (None, "") and (latitude is None or not Decimal(-90) <= latitude <= Decimal(90)):
        errors.add("latitude", EnforcementError.LATITUDE_OUT_OF_RANGE, _("Latitude must be between -90 and 90."))
    if data.longitude not in (None, "") and (longitude is None or not Decimal(-180) <= longitude <= Decimal(180)):
        errors.add("longitude", EnforcementError.LONGITUDE_OUT_OF_RANGE, _("Longitude must be between -180 and 180."))
    header["latitude"] = round(latitude, 6) if latitude is not None else None
    header["longitude"] = round(longitude, 6) if longitude is not None else None
    checked.goods = _goods(list(data.goods), errors)
    checked.parties = _parties(list(data.parties), errors)
    checked.declarations = _declarations(list(data.declarations), errors)
    errors.raise_if_any()
    header["total_value"] = sum((g.value for g in checked.goods), Decimal(0))
    return formation, checked


def _write_lines(incident: Incident, checked: _Checked) -> None:
    incident.goods.all().delete()
    incident.parties.all().delete()
    for goods in checked.goods:
        goods.incident = incident
    for party in checked.parties:
        party.incident = incident
    IncidentGoods.objects.bulk_create(checked.goods)
    IncidentParty.objects.bulk_create(checked.parties)
    incident.declarations.set(checked.declarations)


@transaction.atomic
def incident_draft(*, actor: Actor, data: IncidentInput) -> Incident:
    """A new draft report for ``data.formation``, which the actor reports for."""
    formation, checked = _checked(data, actor=actor)
    incident = Incident.objects.create(
        reference=readable_reference_new("EN"), formation=formation, reported_by=_person(actor), **checked.header
    )
    _write_lines(incident, checked)
    event_record(
        kind=EnforcementEvent.DRAFTED,
        subject=incident,
        actor=actor,
        to_state=choices.ReviewStatus.DRAFT,
        data={"formation": formation.code, "type": incident.incident_type},
    )
    return incident


def _person(actor: Actor) -> User:
    """The signed-in account behind a write that names its author (a report, an amendment)."""
    if not is_signed_in(actor):
        raise DomainError.for_field("actor", EnforcementError.NOT_ALLOWED, _("A person signs this."))
    return cast("User", actor)


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("formation").get(pk=incident.pk)


@transaction.atomic
def incident_draft_update(*, actor: Actor, incident: Incident, data: IncidentInput) -> Incident:
    """Replace a draft's contents (its reporter only; the formation may change to another they report for)."""
    incident = _locked(incident)
    require_incident(actor, incident, IncidentAction.EDIT)
    if incident.review_status != choices.ReviewStatus.DRAFT:
        raise Conflict(
            EnforcementError.NOT_A_DRAFT, _("Only a draft is edited; correct an approved report by amending it.")
        )
    formation, checked = _checked(data, actor=actor)
    for name, value in checked.header.items():
        setattr(incident, name, value)
    incident.formation = formation
    incident.save()
    _write_lines(incident, checked)
    event_record(kind=EnforcementEvent.DRAFT_UPDATED, subject=incident, actor=actor)
    return incident


@transaction.atomic
def incident_submit(*, actor: Actor, incident: Incident) -> Incident:
    incident = _locked(incident)
    require_incident(actor, incident, IncidentAction.SUBMIT)
    if incident.review_status != choices.ReviewStatus.DRAFT:
        raise Conflict(EnforcementError.NOT_A_DRAFT, _("This report is not a draft."))
    incident.review_status = choices.ReviewStatus.SUBMITTED
    incident.submitted_at = timezone.now()
    incident.save(update_fields=["review_status", "submitted_at", "updated_at"])
    event_record(
        kind=EnforcementEvent.SUBMITTED,
        subject=incident,
        actor=actor,
        from_state=choices.ReviewStatus.DRAFT,
        to_state=choices.ReviewStatus.SUBMITTED,
    )
    return incident


def _reason(reason: str, model: Any = IncidentAmendment, name: str = "reason") -> str:
    text = text_clean(reason, model=model, name=name, field="reason")
    if not text:
        raise DomainError.for_field("reason", EnforcementError.REASON_REQUIRED, _("Give the reasons."))
    return text


@transaction.atomic
def incident_return(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """Send a submitted report back to its reporter as a draft, with the reasons."""
    incident = _locked(incident)
    require_incident(actor, incident, IncidentAction.RETURN)
    if incident.review_status != choices.ReviewStatus.SUBMITTED:
        raise Conflict(EnforcementError.NOT_SUBMITTED, _("Only a submitted report is reviewed."))
    reason = _reason(reason)
    incident.review_status = choices.ReviewStatus.DRAFT
    incident.save(update_fields=["review_status", "updated_at"])
    event_record(
        kind=EnforcementEvent.RETURNED,
        subject=incident,
        actor=actor,
        from_state=choices.ReviewStatus.SUBMITTED,
        to_state=choices.ReviewStatus.DRAFT,
        reason=reason,
    )
    return incident


@transaction.atomic
def incident_approve(*, actor: Actor, incident: Incident) -> Incident:
    """Approve a submitted report (a supervisor of its line, never its reporter). From now on it
    is immutable, counts in the trends, and is part of the risk picture of what it names."""
    incident = _locked(incident)
    require_incident(actor, incident, IncidentAction.APPROVE)
    if incident.review_status != choices.ReviewStatus.SUBMITTED:
        raise Conflict(EnforcementError.NOT_SUBMITTED, _("Only a submitted report is approved."))
    incident.review_status = choices.ReviewStatus.APPROVED
    incident.approved_by = _person(actor)
    incident.approved_at = timezone.now()
    incident.save(update_fields=["review_status", "approved_by", "approved_at", "updated_at"])
    goods = list(incident.goods.all())
    trend_apply(trend_keys(incident, goods), sign=1)
    profiles_incidents_count(
        actor=actor, incident=incident.reference, keys=risk_keys(incident, goods, list(incident.parties.all())), sign=1
    )
    event_record(
        kind=EnforcementEvent.APPROVED,
        subject=incident,
        actor=actor,
        from_state=choices.ReviewStatus.SUBMITTED,
        to_state=choices.ReviewStatus.APPROVED,
    )
    return incident


def _plain(value: Any) -> Any:
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


@transaction.atomic
def incident_amend(
    *, actor: Actor, incident: Incident, reason: str, changes: dict[str, Any], goods: Sequence[GoodsInput] | None = None
) -> IncidentAmendment:
    """Correct an approved report: the fields in ``changes`` (of :data:`AMENDABLE`) and, if given,
    the whole list of goods. What changed is kept with the reasons; the trends follow."""
    incident = _locked(incident)
    require_incident(actor, incident, IncidentAction.AMEND)
    if incident.review_status != choices.ReviewStatus.APPROVED:
        raise Conflict(EnforcementError.NOT_APPROVED, _("Only an approved report is amended; edit a draft instead."))
    unknown = sorted(set(changes) - set(AMENDABLE))
    if unknown:
        raise DomainError.for_field(
            unknown[0], EnforcementError.FIELD_NOT_AMENDABLE, _("This field is not corrected by an amendment.")
        )
    reason = _reason(reason)
    current = {name: getattr(incident, name) for name in AMENDABLE}
    old_goods = list(incident.goods.all())
    data = IncidentInput(
        formation=incident.formation.code,
        goods=goods if goods is not None else [_goods_input(g) for g in old_goods],
        parties=[],
        **{**current, **changes},
    )
    _formation, checked = _checked(data, actor=actor, formation=incident.formation)
    diff: dict[str, list[Any]] = {}
    for name in AMENDABLE:
        if checked.header[name] != current[name]:
            diff[name] = [_plain(current[name]), _plain(checked.header[name])]
    new_rows = [(g.tariff_code, g.description, g.quantity, g.unit, g.value, g.origin_country) for g in checked.goods]
    old_rows = [(g.tariff_code, g.description, g.quantity, g.unit, g.value, g.origin_country) for g in old_goods]
    if goods is not None and new_rows != old_rows:
        diff["goods"] = [[list(map(_plain, r)) for r in old_rows], [list(map(_plain, r)) for r in new_rows]]
    if not diff:
        raise DomainError.for_field("changes", EnforcementError.AMENDMENT_EMPTY, _("The amendment changes nothing."))
    trend_apply(trend_keys(incident, old_goods), sign=-1)
    parties = list(incident.parties.all())
    old_risk = risk_keys(incident, old_goods, parties)
    for name in AMENDABLE:
        setattr(incident, name, checked.header[name])
    incident.total_value = checked.header["total_value"]
    incident.save()
    if "goods" in diff:
        incident.goods.all().delete()
        for line in checked.goods:
            line.incident = incident
        IncidentGoods.objects.bulk_create(checked.goods)
    trend_apply(trend_keys(incident, checked.goods), sign=1)
    new_risk = risk_keys(incident, checked.goods, parties)
    # The risk profiles follow the correction: what it no longer names out, what it now names in.
    profiles_incidents_count(actor=actor, incident=incident.reference, keys=old_risk - new_risk, sign=-1)
    profiles_incidents_count(actor=actor, incident=incident.reference, keys=new_risk - old_risk, sign=1)
    amendment = IncidentAmendment.objects.create(
        incident=incident, changes=diff, reason=reason, amended_by=_person(actor), amended_at=timezone.now()
    )
    event_record(
        kind=EnforcementEvent.AMENDED, subject=incident, actor=actor, reason=reason, data={"fields": sorted(diff)}
    )
    return amendment


def _goods_input(goods: IncidentGoods) -> GoodsInput:
    return GoodsInput(
        tariff_code=goods.tariff_code,
        description=goods.description,
        quantity=goods.quantity,
        unit=goods.unit,
        value=goods.value,
        origin_country=goods.origin_country,
    )


@transaction.atomic
def incident_case_update(
    *, actor: Actor, incident: Incident, case_status: str, reason: str, outcome: str = "", fine_amount: Any = None
) -> Incident:
    """Move an approved report's case on (reported → under investigation → adjudicated → closed,
    never back), with its outcome once adjudicated (a fine names its amount)."""
    incident = _locked(incident)
    require_incident(actor, incident, IncidentAction.CASE)
    if incident.review_status != choices.ReviewStatus.APPROVED:
        raise Conflict(EnforcementError.NOT_APPROVED, _("A case is opened by approving its report."))
    errors = FieldErrorCollector()
    if case_status not in CASE_ORDER:
        errors.add("case_status", EnforcementError.CASE_STATUS_UNKNOWN, _("Unknown case status."))
    elif CASE_ORDER.index(case_status) < CASE_ORDER.index(incident.case_status):
        errors.add("case_status", EnforcementError.CASE_STATUS_BACKWARDS, _("A case does not move back."))
    if outcome not in choices.CaseOutcome.values:
        errors.add("outcome", EnforcementError.OUTCOME_UNKNOWN, _("Unknown outcome."))
    elif outcome and case_status in CASE_ORDER and CASE_ORDER.index(case_status) < CASE_ORDER.index("adjudicated"):
        errors.add("outcome", EnforcementError.OUTCOME_NEEDS_ADJUDICATION, _("An outcome comes with adjudication."))
    fine = _decimal(fine_amount)
    if outcome == choices.CaseOutcome.FINE and (fine is None or not Decimal(0) < fine < VALUE_MAX):
        errors.add("fine_amount", EnforcementError.FINE_INVALID, _("A fine names its amount, above 0."))
    elif outcome != choices.CaseOutcome.FINE and fine_amount not in (None, ""):
        errors.add("fine_amount", EnforcementError.FINE_INVALID, _("Only a fine has an amount."))
    errors.raise_if_any()
    reason = _reason(reason)
    before = incident.case_status
    incident.case_status = case_status
    incident.case_outcome = outcome
    incident.fine_amount = round(fine, 2) if fine is not None and outcome == choices.CaseOutcome.FINE else None
    incident.save(update_fields=["case_status", "case_outcome", "fine_amount", "updated_at"])
    event_record(
        kind=EnforcementEvent.CASE_UPDATED,
        subject=incident,
        actor=actor,
        from_state=before,
        to_state=case_status,
        reason=reason,
        data={"outcome": outcome, "fine": _plain(incident.fine_amount)},
    )
    return incident


# Evidence


def evidence_add(
    *, actor: Actor, incident: Incident, name: str, data: bytes, reason: str = "", share_location: bool = False
) -> IncidentEvidence:
    """Attach a file of evidence to a report, cleaned as a complaint's attachment is
    (``rabta.complaints.services.attachments``: type by content, JPEG, PNG, WebP or PDF only,
    metadata removed; the capture time kept, the GPS position only with ``share_location``).

    To a draft: its reporter. To an approved report: its reporter or a supervisor of its line, as
    an amendment with ``reason`` (the report is immutable, so the file joins its amendments). A
    submitted report takes none while it is reviewed: the supervisor approves what they read.
    Empty, too large, wrong-type, unreadable or active files are refused with the field ``file``
    named, and nothing is stored."""
    incident = Incident.objects.select_related("formation").get(pk=incident.pk)
    _evidence_allowed(actor, incident)
    if not data:
        raise DomainError.for_field("file", EnforcementError.EVIDENCE_EMPTY, _("This file is empty."))
    limit = max_bytes()
    if len(data) > limit:
        raise DomainError.for_field(
            "file",
            ComplaintsError.ATTACHMENT_TOO_LARGE,
            _("Files can be at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
        )
    approved = incident.review_status == choices.ReviewStatus.APPROVED
    if approved:
        reason = _reason(reason)
    # The slow part (decoding, encoding) before the transaction, so no lock waits on it. An
    # officer's evidence keeps when it was taken; where, only when they choose.
    cleaned = attachment_clean(data, strip_identity=False, keep_location=share_location, name=name)
    with transaction.atomic():
        # Under the report's lock: a submit or an approval landing meanwhile is seen, and the cap holds.
        incident = _locked(incident)
        _evidence_allowed(actor, incident)
        if (incident.review_status == choices.ReviewStatus.APPROVED) != approved:
            raise Conflict(EnforcementError.EVIDENCE_IN_REVIEW, _("The report changed meanwhile; try again."))
        if IncidentEvidence.objects.filter(incident_id=incident.pk).count() >= EVIDENCE_MAX:
            raise Conflict(
                EnforcementError.EVIDENCE_CAP_REACHED,
                _("A report can carry at most %(cap)s files.") % {"cap": EVIDENCE_MAX},
            )
        person = _person(actor)
        now = timezone.now()
        shown = safe_name(name, cleaned.content_type)
        amendment = None
        if approved:
            amendment = IncidentAmendment.objects.create(
                incident=incident, changes={"evidence": [None, shown]}, reason=reason, amended_by=person, amended_at=now
            )
        evidence = IncidentEvidence(
            incident=incident,
            name=shown,
            content_type=cleaned.content_type,
            size=len(cleaned.data),
            sha256=hashlib.sha256(cleaned.data).hexdigest(),
            location_kept=cleaned.location_kept,
            uploaded_by=person,
            uploaded_at=now,
            amendment=amendment,
        )
        # A random stored name with the detected type's extension: the uploaded name never reaches
        # the file system.
        evidence.file.save(
            secrets.token_hex(16) + EXTENSIONS[cleaned.content_type], ContentFile(cleaned.data), save=False
        )
        try:
            evidence.save()
            event_record(
                kind=EnforcementEvent.EVIDENCE_ADDED,
                subject=incident,
                actor=actor,
                reason=reason if approved else "",
                data={
                    "evidence": evidence.pk,
                    "type": cleaned.content_type,
                    "size": len(cleaned.data),
                    "sha256": evidence.sha256,
                    "amendment": amendment.pk if amendment else None,
                },
            )
        except BaseException:
            evidence.file.delete(save=False)
            raise
    return evidence


def _evidence_allowed(actor: Actor, incident: Incident) -> None:
    status = incident.review_status
    if status == choices.ReviewStatus.DRAFT:
        require_incident(actor, incident, IncidentAction.EDIT)
    elif status == choices.ReviewStatus.APPROVED:
        require_incident(actor, incident, IncidentAction.AMEND)
    else:
        raise Conflict(
            EnforcementError.EVIDENCE_IN_REVIEW,
            _(
                "A report under review takes no files; they are added to a draft, or to an approved report as an amendment."
            ),
        )


# Trends


TrendKey = tuple[int, str, str, date]  # formation id, dimension, value, month


NATION = 0  # the formation id of the national rows: every formation's reports together


def trend_keys(incident: Incident, goods: Sequence[IncidentGoods]) -> dict[TrendKey, tuple[int, Decimal]]:
    """What one approved report adds to the trends: (formation, dimension, value, month) →
    (incidents, goods value), for its formation and for the nation (formation 0, so a national
    question reads months × values, not months × formations × values). A report counts once per
    value of a dimension; for codes (HS heading, 4 digits) and origins, with the value of its goods
    of that code or origin."""
    month = incident.occurred_on.replace(day=1)
    total = sum((g.value for g in goods), Decimal(0))
    values: dict[tuple[str, str], tuple[int, Decimal]] = {
        (IncidentTrend.Dimension.ALL, ""): (1, total),
        (IncidentTrend.Dimension.TYPE, incident.incident_type): (1, total),
        (IncidentTrend.Dimension.MODUS, incident.modus_operandi): (1, total),
    }
    if incident.route:
        values[(IncidentTrend.Dimension.ROUTE, incident.route)] = (1, total)
    for dimension, value_of in (
        (IncidentTrend.Dimension.CODE, lambda g: g.tariff_code[:4]),
        (IncidentTrend.Dimension.ORIGIN, lambda g: g.origin_country),
    ):
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for line in goods:
            if value_of(line):
                sums[value_of(line)] += line.value
        for value, amount in sums.items():
            values[(dimension, value)] = (1, amount)
    return {
        (formation, dimension, value, month): counted
        for formation in (incident.formation_id, NATION)
        for (dimension, value), counted in values.items()
    }


def risk_keys(
    incident: Incident, goods: Sequence[IncidentGoods], parties: Sequence[IncidentParty]
) -> set[tuple[str, str]]:
    """The risk profiles (``rabta.risk``) an approved report counts in, valued as the lanes read
    them: importers and declarants of the KYC registry by party id, codes by HS6, origins, the
    importer-code, declarant-importer and code-origin pairs, and the route."""
    importers = {str(p.party_id) for p in parties if p.party_id and p.role == choices.PartyRole.IMPORTER}
    declarants = {str(p.party_id) for p in parties if p.party_id and p.role == choices.PartyRole.DECLARANT}
    codes = {g.tariff_code[:6] for g in goods}
    keys: set[tuple[str, str]] = set()
    keys |= {(ProfileKey.IMPORTER, i) for i in importers}
    keys |= {(ProfileKey.DECLARANT, d) for d in declarants}
    keys |= {(ProfileKey.CODE, c) for c in codes}
    keys |= {(ProfileKey.ORIGIN, g.origin_country) for g in goods if g.origin_country}
    keys |= {(ProfileKey.IMPORTER_CODE, f"{i}|{c}") for i in importers for c in codes}
    keys |= {(ProfileKey.DECLARANT_IMPORTER, f"{d}|{i}") for d in declarants for i in importers}
    keys |= {(ProfileKey.CODE_ORIGIN, f"{g.tariff_code[:6]}|{g.origin_country}") for g in goods if g.origin_country}
    if incident.route:
        keys.add((ProfileKey.ROUTE, incident.route))
    return keys


def trend_apply(keys: dict[TrendKey, tuple[int, Decimal]], *, sign: int) -> None:
    """Add (``sign=1``) or take away (-1) a report's keys, in the caller's transaction."""
    for (formation, dimension, value, month), (count, amount) in keys.items():
        match = IncidentTrend.objects.filter(formation_id=formation, dimension=dimension, value=value, month=month)
        delta = {"incidents": F("incidents") + sign * count, "goods_value": F("goods_value") + sign * amount}
        if match.update(**delta):
            if sign < 0:  # a value no approved report holds any more reads as absent, as in a rebuild
                match.filter(incidents__lte=0).delete()
            continue
        try:
            with transaction.atomic():
                IncidentTrend.objects.create(
                    formation_id=formation,
                    dimension=dimension,
                    value=value,
                    month=month,
                    incidents=sign * count,
                    goods_value=sign * amount,
                )
        except IntegrityError:  # created by a concurrent approval: add to it
            match.update(**delta)


@transaction.atomic
def trends_rebuild(*, actor: Actor = None) -> int:
    """Recompute every trend row from the approved reports (grouped queries, no row-by-row work).
    Returns the rows written. Equal to what the approvals and amendments folded."""
    approved = Incident.objects.filter(review_status=choices.ReviewStatus.APPROVED).annotate(
        m=TruncMonth("occurred_on")
    )
    IncidentTrend.objects.all().delete()
    batch: list[IncidentTrend] = []
    written = 0

    def add(grouped: Iterable[dict[str, Any]], dimension: str, field_name: str | None) -> None:
        nonlocal written
        for g in grouped:
            value = "" if field_name is None else (g[field_name] or "")
            if field_name is not None and not value:
                continue
            month = g["m"].date() if hasattr(g["m"], "date") else g["m"]
            batch.append(
                IncidentTrend(
                    formation_id=g.get("formation_id", NATION),
                    dimension=dimension,
                    value=value,
                    month=month,
                    incidents=g["n"],
                    goods_value=g["v"] or Decimal(0),
                )
            )
            if len(batch) >= REBUILD_BATCH:
                IncidentTrend.objects.bulk_create(batch)
                written += len(batch)
                batch.clear()

    def insert(grouped: QuerySet[Any, dict[str, Any]], dimension: str, field_name: str | None, national: bool) -> None:
        """PostgreSQL: the grouped rows go straight into the table (INSERT ... SELECT), never
        through Python: a million reports rebuild in seconds."""
        nonlocal written
        sql, params = grouped.query.sql_with_params()
        value = "''" if field_name is None else f'q."{field_name}"'
        where = "" if field_name is None else f"WHERE COALESCE(q.\"{field_name}\", '') <> ''"
        # The names come from the model and this code; every value is a parameter.
        statement = (
            f"INSERT INTO {IncidentTrend._meta.db_table} (formation_id, dimension, value, month, incidents, "  # noqa: S608
            f"goods_value) SELECT {NATION if national else 'q.formation_id'}, %s, {value}, q.m::date, q.n, "
            f"COALESCE(q.v, 0) FROM ({sql}) AS q {where}"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [dimension, *params])
            written += cursor.rowcount

    def put(grouped: QuerySet[Any, dict[str, Any]], dimension: str, field_name: str | None, national: bool) -> None:
        if connection.vendor == "postgresql":
            insert(grouped, dimension, field_name, national)
        else:
            add(grouped.iterator(chunk_size=REBUILD_BATCH), dimension, field_name)

    lines = IncidentGoods.objects.filter(incident__review_status=choices.ReviewStatus.APPROVED).annotate(
        m=TruncMonth("incident__occurred_on"),
        formation_id=F("incident__formation_id"),
        heading=Substr("tariff_code", 1, 4),
    )
    for by_formation in (["formation_id"], []):
        for dimension, name in (
            (IncidentTrend.Dimension.ALL, None),
            (IncidentTrend.Dimension.TYPE, "incident_type"),
            (IncidentTrend.Dimension.MODUS, "modus_operandi"),
            (IncidentTrend.Dimension.ROUTE, "route"),
        ):
            group = ["m", *by_formation] + ([name] if name else [])
            grouped = approved.values(*group).annotate(n=Count("id"), v=Sum("total_value")).order_by()
            put(grouped, dimension, name, not by_formation)
        for dimension, name in (
            (IncidentTrend.Dimension.CODE, "heading"),
            (IncidentTrend.Dimension.ORIGIN, "origin_country"),
        ):
            per_line = (
                lines.values("m", *by_formation, name)
                .annotate(n=Count("incident_id", distinct=True), v=Sum("value"))
                .order_by()
            )
            put(per_line, dimension, name, not by_formation)
    IncidentTrend.objects.bulk_create(batch)
    written += len(batch)
    rows = IncidentTrend.objects.order_by("id")[:1]
    if rows:
        event_record(kind=EnforcementEvent.TRENDS_REBUILT, subject=rows[0], actor=actor, data={"rows": written})
    return written
