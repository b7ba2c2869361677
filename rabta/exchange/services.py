"""The data exchange's writes: agreements, exports (streamed, logged when the last byte is out),
imports of partner files (schema-checked whole: all or nothing) with their mirror checks, and the
answers to banks' requests about traders. Each write is one transaction with its event."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.models import User
from rabta.accounts.types import Actor
from rabta.core.errors import DomainError, Unprocessable
from rabta.core.events import event_record
from rabta.core.textinput import text_clean
from rabta.customs.choices import PartyKind, PartyScheme, Regime
from rabta.customs.codes import COUNTRIES
from rabta.customs.models import Declaration, DeclarationItem, Party
from rabta.customs.parties import ntn_normalize, party_hash
from rabta.enforcement.choices import ReviewStatus
from rabta.enforcement.models import Incident
from rabta.exchange import formats, schema, selectors, wco
from rabta.exchange.choices import (
    AgreementStatus,
    Dataset,
    Direction,
    FileFormat,
    ImportStatus,
    MirrorBasis,
    PartnerKind,
)
from rabta.exchange.errors import ExchangeError
from rabta.exchange.events import ExchangeEvent
from rabta.exchange.models import (
    Agreement,
    BankRequest,
    ExchangeLog,
    ImportReject,
    MirrorFinding,
    PartnerDeclaration,
    PartnerGoodsItem,
    PartnerImport,
)
from rabta.exchange.permissions import ExchangeAction, require_exchange
from rabta.risk.selectors_outside import trader_value_control
from rabta.risk.services.outside import OutsideFindingIn, outside_findings_record
from rabta.risk.vocab_valuation import OutsideBasis, OutsideSource

MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_REJECTS_STORED = 10_000
ADMINISTRATION_DATASETS = frozenset({Dataset.DECLARATIONS, Dataset.INCIDENTS})


def _account(actor: Actor) -> User | None:
    """The account an exchange is recorded against (``None``: the system, a command)."""
    return actor if actor is not None and actor.is_authenticated else None


# -- agreements ------------------------------------------------------------------------------------


def _agreement_fields(kind: str, datasets: list[str], fields: list[str]) -> tuple[list[str], list[str]]:
    if kind == PartnerKind.BANK:
        if list(datasets or [Dataset.TRADER_SUMMARY]) != [Dataset.TRADER_SUMMARY]:
            raise DomainError.for_field(
                "datasets", ExchangeError.DATASET_UNKNOWN, _("A bank's agreement covers the trader summary only.")
            )
        if fields:
            raise DomainError.for_field("fields", ExchangeError.FIELD_UNKNOWN, _("A bank receives no record fields."))
        return [Dataset.TRADER_SUMMARY], []
    unknown = [name for name in datasets if name not in ADMINISTRATION_DATASETS]
    if unknown or not datasets:
        raise DomainError.for_field(
            "datasets", ExchangeError.DATASET_UNKNOWN, _("Choose goods declarations, incident summaries or both.")
        )
    chosen = sorted(set(datasets))
    for name in fields:
        field = wco.FIELDS.get(name)
        if field is None or field.dataset not in chosen:
            raise DomainError.for_field(
                "fields",
                ExchangeError.FIELD_UNKNOWN,
                _("%(field)s is not a field of the agreed datasets.") % {"field": name},
            )
    if not fields:
        raise DomainError.for_field("fields", ExchangeError.FIELDS_REQUIRED, _("Name the fields the partner receives."))
    return chosen, sorted(set(fields))


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    kind: str,
    partner_country: str,
    partner_name: str,
    valid_from: date,
    datasets: list[str] | None = None,
    fields: list[str] | None = None,
    valid_to: date | None = None,
    status: str = AgreementStatus.DRAFT,
    tolerance_percent: Decimal | str | None = None,
) -> Agreement:
    require_exchange(actor, ExchangeAction.MANAGE_AGREEMENTS)
    if kind not in PartnerKind.values:
        raise DomainError.for_field("kind", ExchangeError.KIND_UNKNOWN, _("Choose a partner administration or a bank."))
    country = (partner_country or "").strip().upper()
    if country not in COUNTRIES:
        raise DomainError.for_field(
            "partner_country", ExchangeError.COUNTRY_UNKNOWN, _("Give the country as an ISO 3166 two-letter code.")
        )
    name = text_clean(partner_name or "", model=Agreement, name="partner_name").strip()
    if not name:
        raise DomainError.for_field("partner_name", ExchangeError.NAME_REQUIRED, _("Name the partner."))
    chosen, agreed = _agreement_fields(kind, list(datasets or []), list(fields or []))
    if valid_to is not None and valid_to < valid_from:
        raise DomainError.for_field("valid_to", ExchangeError.DATES_INVALID, _("An agreement ends after it starts."))
    if status not in AgreementStatus.values:
        raise DomainError.for_field("status", ExchangeError.STATUS_UNKNOWN, _("There is no such status."))
    tolerance = _tolerance(tolerance_percent)
    agreement = Agreement.objects.create(
        kind=kind,
        partner_country=country,
        partner_name=name,
        datasets=chosen,
        fields=agreed,
        valid_from=valid_from,
        valid_to=valid_to,
        status=status,
        tolerance_percent=tolerance,
        created_by=_account(actor),
    )
    event_record(
        kind=ExchangeEvent.AGREEMENT_CREATED,
        subject=agreement,
        actor=actor,
        to_state=status,
        data={"partner": country, "datasets": chosen, "fields": agreed},
    )
    return agreement


def _tolerance(value: Decimal | str | None) -> Decimal:
    if value is None or value == "":
        return Decimal("10.00")
    try:
        tolerance = Decimal(str(value))
    except InvalidOperation:
        tolerance = Decimal(-1)
    if not tolerance.is_finite() or not Decimal(0) <= tolerance <= Decimal(100):
        raise DomainError.for_field(
            "tolerance_percent", ExchangeError.TOLERANCE_INVALID, _("A tolerance is 0 to 100 per cent.")
        )
    return tolerance.quantize(Decimal("0.01"))


@transaction.atomic
def agreement_set_status(*, actor: Actor, agreement: Agreement, status: str, reason: str = "") -> Agreement:
    require_exchange(actor, ExchangeAction.MANAGE_AGREEMENTS)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if status not in AgreementStatus.values:
        raise DomainError.for_field("status", ExchangeError.STATUS_UNKNOWN, _("There is no such status."))
    previous = agreement.status
    agreement.status = status
    agreement.save(update_fields=["status"])
    event_record(
        kind=ExchangeEvent.AGREEMENT_CHANGED,
        subject=agreement,
        actor=actor,
        from_state=previous,
        to_state=status,
        reason=text_clean(reason or "", model=Agreement, name="partner_name", field="reason")[:200],
    )
    return agreement


def _require_in_force(agreement: Agreement, dataset: str, *, on: date | None = None) -> None:
    today = on or timezone.localdate()
    in_force = (
        agreement.status == AgreementStatus.ACTIVE
        and agreement.valid_from <= today
        and (agreement.valid_to is None or today <= agreement.valid_to)
    )
    if not in_force:
        raise Unprocessable(ExchangeError.AGREEMENT_NOT_IN_FORCE, _("The agreement is not in force."))
    if dataset not in agreement.datasets:
        raise DomainError.for_field(
            "dataset", ExchangeError.DATASET_NOT_AGREED, _("The agreement does not cover this dataset.")
        )


def last_month(today: date | None = None) -> tuple[date, date]:
    """The first and last days of the month before ``today``'s."""
    first_of_this = (today or timezone.localdate()).replace(day=1)
    end = first_of_this - timedelta(days=1)
    return end.replace(day=1), end


# -- export ----------------------------------------------------------------------------------------


@dataclass
class Export:
    """An export ready to stream: ``chunks`` yields the text; the log row and its event are written
    when the last chunk has gone (then ``log`` holds the row)."""

    chunks: Iterator[str]
    content_type: str
    filename: str
    log: ExchangeLog | None = None


def exchange_export(
    *,
    actor: Actor,
    agreement: Agreement,
    dataset: str = Dataset.DECLARATIONS,
    file_format: str = FileFormat.JSON,
    period_from: date,
    period_to: date,
) -> Export:
    """Stream ``dataset`` of the period to the agreement's partner, in WCO elements, with only the
    agreement's fields. Everything is checked before the first byte; the log is written after the last."""
    require_exchange(actor, ExchangeAction.EXPORT)
    _require_in_force(agreement, dataset)
    if file_format not in FileFormat.values:
        raise DomainError.for_field("format", ExchangeError.FORMAT_UNKNOWN, _("Choose json or xml."))
    if period_to < period_from:
        raise DomainError.for_field("to", ExchangeError.DATES_INVALID, _("The period ends after it starts."))
    if period_from < agreement.valid_from or (agreement.valid_to is not None and period_to > agreement.valid_to):
        raise DomainError.for_field(
            "from", ExchangeError.PERIOD_OUTSIDE_AGREEMENT, _("The period lies outside the agreement's validity.")
        )
    allowed = frozenset(agreement.fields)
    read = selectors.export_declarations if dataset == Dataset.DECLARATIONS else selectors.export_incidents
    header = {
        "Agreement": agreement.pk,
        "Partner": agreement.partner_country,
        "Dataset": dataset,
        "PeriodFrom": period_from.isoformat(),
        "PeriodTo": period_to.isoformat(),
    }
    element = wco.record_element(dataset)
    counter = [0]

    def records() -> Iterator[dict[str, Any]]:
        for values, items in read(country=agreement.partner_country, start=period_from, end=period_to):
            counter[0] += 1
            yield wco.shape(values, items, allowed, dataset)

    writer = formats.json_stream if file_format == FileFormat.JSON else formats.xml_stream
    export = Export(
        chunks=iter(()),
        content_type="application/json" if file_format == FileFormat.JSON else "application/xml",
        filename=f"rabta-{dataset}-{agreement.partner_country}-{period_from}-{period_to}.{file_format}",
    )

    def chunks() -> Iterator[str]:
        digest = hashlib.sha256()
        for chunk in writer(header, records(), element):
            digest.update(chunk.encode())
            yield chunk
        export.log = _exchange_logged(
            actor=actor,
            agreement=agreement,
            direction=Direction.EXPORT,
            dataset=dataset,
            file_format=file_format,
            period=(period_from, period_to),
            rows=counter[0],
            checksum=digest.hexdigest(),
        )

    export.chunks = chunks()
    return export


@transaction.atomic
def _exchange_logged(
    *,
    actor: Actor,
    agreement: Agreement,
    direction: str,
    dataset: str,
    file_format: str,
    period: tuple[date | None, date | None],
    rows: int,
    checksum: str,
) -> ExchangeLog:
    log = ExchangeLog.objects.create(
        agreement=agreement,
        direction=direction,
        dataset=dataset,
        file_format=file_format,
        period_from=period[0],
        period_to=period[1],
        rows=rows,
        checksum=checksum,
        actor=_account(actor),
    )
    event_record(
        kind=ExchangeEvent.EXPORTED if direction == Direction.EXPORT else ExchangeEvent.IMPORTED,
        subject=log,
        actor=actor,
        data={
            "agreement": agreement.pk,
            "partner": agreement.partner_country,
            "dataset": dataset,
            "period": [str(period[0] or ""), str(period[1] or "")],
            "rows": rows,
            "checksum": checksum,
        },
    )
    return log


# -- import ----------------------------------------------------------------------------------------


def _document(data: bytes, file_format: str) -> tuple[Any, schema.Fault | None]:
    if file_format == FileFormat.XML:
        try:
            return formats.xml_document(data), None
        except formats.XmlRefused:
            return None, schema.Fault(0, "", "", ExchangeError.ENTITIES_REFUSED, _("DTDs and entities are refused."))
        except Exception:  # expat.ExpatError and its kin: the file is not XML
            return None, schema.Fault(0, "", "", ExchangeError.FILE_UNREADABLE, _("The file is not well-formed XML."))
    try:
        return json.loads(data.decode("utf-8"), parse_float=Decimal), None
    except (UnicodeDecodeError, ValueError):
        return None, schema.Fault(0, "", "", ExchangeError.FILE_UNREADABLE, _("The file is not JSON (UTF-8)."))


@transaction.atomic
def partner_import(
    *, actor: Actor, agreement: Agreement, data: bytes, file_format: str, name: str = ""
) -> PartnerImport:
    """Read a partner's export declarations. A file with any fault is rejected whole (its faults
    stored as rejects, no declaration kept); a good file is stored and mirror-checked."""
    require_exchange(actor, ExchangeAction.IMPORT)
    _require_in_force(agreement, Dataset.DECLARATIONS)
    if file_format not in FileFormat.values:
        raise DomainError.for_field("format", ExchangeError.FORMAT_UNKNOWN, _("Choose json or xml."))
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError.for_field("file", ExchangeError.FILE_TOO_LARGE, _("The file is larger than 50 MB."))
    checksum = hashlib.sha256(data).hexdigest()
    document, fault = _document(data, file_format)
    records, faults = ([], [fault]) if fault else schema.validate(document)
    stored = PartnerImport.objects.create(
        agreement=agreement,
        file_format=file_format,
        original_name=(name or "")[:255],
        status=ImportStatus.REJECTED if faults else ImportStatus.ACCEPTED,
        rows=len(records),
        rejected=len({fault.row for fault in faults}),
        checksum=checksum,
        actor=_account(actor),
    )
    if faults:
        ImportReject.objects.bulk_create(
            ImportReject(
                partner_import=stored,
                row=fault.row,
                element=fault.element[:200],
                field=fault.field[:60],
                code=str(fault.code),
                reason=fault.reason[:300],
            )
            for fault in faults[:MAX_REJECTS_STORED]
        )
        event_record(
            kind=ExchangeEvent.IMPORT_REJECTED,
            subject=stored,
            actor=actor,
            to_state=ImportStatus.REJECTED,
            data={"faults": len(faults), "rows": len(records), "checksum": checksum},
        )
        return stored
    declarations = _store(stored, agreement, records)
    stored.findings = len(_mirror_check(stored, agreement, declarations, actor))
    stored.save(update_fields=["findings"])
    _exchange_logged(
        actor=actor,
        agreement=agreement,
        direction=Direction.IMPORT,
        dataset=Dataset.DECLARATIONS,
        file_format=file_format,
        period=(
            min((d.issue_date for d in declarations), default=None),
            max((d.issue_date for d in declarations), default=None),
        ),
        rows=len(declarations),
        checksum=checksum,
    )
    return stored


def _store(stored: PartnerImport, agreement: Agreement, records: list[schema.Record]) -> list[PartnerDeclaration]:
    declarations = PartnerDeclaration.objects.bulk_create(
        PartnerDeclaration(
            partner_import=stored,
            agreement=agreement,
            reference=record.values["reference"],
            issue_date=record.values["issue_date"],
            type_code=record.values.get("type", ""),
            currency=record.values.get("currency", ""),
            office=record.values.get("office", ""),
            transport_mode=record.values.get("transport_mode", ""),
        )
        for record in records
    )
    if not all(declaration.pk for declaration in declarations):  # a database that returns no ids
        declarations = list(stored.declarations.order_by("pk"))
    items = []
    for declaration, record in zip(declarations, records, strict=True):
        for item in record.items:
            items.append(
                PartnerGoodsItem(
                    declaration=declaration,
                    sequence=item["item_number"],
                    tariff_code=item["tariff_code"],
                    description=item.get("description", ""),
                    origin_country=item.get("origin", ""),
                    export_country=item.get("export_country", ""),
                    quantity=item.get("quantity"),
                    unit=item.get("unit", ""),
                    net_mass_kg=item.get("net_mass"),
                    value=item["customs_value"],
                )
            )
    PartnerGoodsItem.objects.bulk_create(items, batch_size=1000)
    return declarations


def _gap(import_value: Decimal, export_value: Decimal) -> Decimal | None:
    if export_value <= 0:
        return None
    return ((import_value - export_value) / export_value * 100).quantize(Decimal("0.01"))


def _mirror_check(
    stored: PartnerImport, agreement: Agreement, declarations: list[PartnerDeclaration], actor: Actor
) -> list[MirrorFinding]:
    """Declared import values against the partner's declared export values: per shipment where the
    partner's reference is one of Rabta's import declarations, else per month × HS6 × partner.
    Gaps beyond the agreement's tolerance (either way) are findings."""
    tolerance = agreement.tolerance_percent
    totals: dict[int, Decimal] = {
        row["declaration_id"]: row["total"] or Decimal(0)
        for row in PartnerGoodsItem.objects.filter(declaration__partner_import=stored)
        .values("declaration_id")
        .annotate(total=Sum("value"))
    }
    ours = {
        declaration.number: declaration
        for declaration in Declaration.objects.filter(
            number__in=[d.reference for d in declarations], regime=Regime.IMPORT
        ).annotate(total=Sum("items__customs_value"))
    }
    findings: list[MirrorFinding] = []
    unmatched: list[PartnerDeclaration] = []
    for declaration in declarations:
        mine = ours.get(declaration.reference)
        if mine is None or not declaration.currency or declaration.currency != mine.currency:
            unmatched.append(declaration)
            continue
        export_value = totals.get(declaration.pk, Decimal(0))
        import_value = Decimal(mine.total or 0)  # type: ignore[attr-defined]
        gap = _gap(import_value, export_value)
        if gap is not None and abs(gap) > tolerance:
            findings.append(
                MirrorFinding(
                    agreement=agreement,
                    partner_import=stored,
                    basis=MirrorBasis.SHIPMENT,
                    declaration=mine,
                    reference=declaration.reference,
                    month=declaration.issue_date.replace(day=1),
                    currency=declaration.currency,
                    import_value=import_value,
                    export_value=export_value,
                    gap_percent=gap,
                )
            )
    findings.extend(_mirror_by_period(stored, agreement, unmatched, tolerance))
    MirrorFinding.objects.bulk_create(findings)
    kept = list(MirrorFinding.objects.filter(partner_import=stored).order_by("pk"))
    for finding in kept:
        event_record(
            kind=ExchangeEvent.MIRROR_FOUND,
            subject=finding,
            actor=actor,
            data={"basis": finding.basis, "gap_percent": str(finding.gap_percent), "import": stored.pk},
        )
    _to_value_control(kept, agreement, actor)
    return findings


def _to_value_control(findings: list[MirrorFinding], agreement: Agreement, actor: Actor) -> None:
    """Hand the mirror findings to value control (risk's service), in the import's transaction, so
    they show wherever value-control findings show; an import that fails keeps none of them."""
    if not findings:
        return
    outside_findings_record(
        actor=actor,
        source=OutsideSource.MIRROR,
        findings=[
            OutsideFindingIn(
                source_key=f"exchange.mirror:{finding.pk}",
                basis=OutsideBasis.SHIPMENT if finding.basis == MirrorBasis.SHIPMENT else OutsideBasis.PERIOD,
                declaration_id=finding.declaration_id,
                partner_country=agreement.partner_country,
                reference=finding.reference,
                hs6=finding.hs6,
                month=finding.month,
                currency=finding.currency,
                declared_value=finding.import_value,
                outside_value=finding.export_value,
                tolerance_percent=agreement.tolerance_percent,
            )
            for finding in findings
        ],
    )


def _mirror_by_period(
    stored: PartnerImport, agreement: Agreement, declarations: list[PartnerDeclaration], tolerance: Decimal
) -> list[MirrorFinding]:
    exports: dict[tuple[date, str, str], Decimal] = defaultdict(Decimal)
    ids = [d.pk for d in declarations if d.currency]
    for item in PartnerGoodsItem.objects.filter(declaration_id__in=ids).select_related("declaration"):
        key = (item.declaration.issue_date.replace(day=1), item.tariff_code[:6], item.declaration.currency)
        exports[key] += item.value
    findings = []
    for (month, hs6, currency), export_value in sorted(exports.items()):
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        import_value = DeclarationItem.objects.filter(
            declaration__regime=Regime.IMPORT,
            declaration__declared_on__gte=month,
            declaration__declared_on__lt=following,
            declaration__currency=currency,
            origin_country=agreement.partner_country,
            tariff_code__startswith=hs6,
        ).aggregate(total=Sum("customs_value"))["total"] or Decimal(0)
        gap = _gap(import_value, export_value)
        if gap is not None and abs(gap) > tolerance:
            findings.append(
                MirrorFinding(
                    agreement=agreement,
                    partner_import=stored,
                    basis=MirrorBasis.PERIOD,
                    hs6=hs6,
                    month=month,
                    currency=currency,
                    import_value=import_value,
                    export_value=export_value,
                    gap_percent=gap,
                )
            )
    return findings


# -- banks -----------------------------------------------------------------------------------------


def _months(first: date | None, last: date | None) -> dict[str, str | None]:
    return {
        "first_month": first.strftime("%Y-%m") if first else None,
        "last_month": last.strftime("%Y-%m") if last else None,
    }


def trader_summary(party: Party | None) -> dict[str, Any]:
    """What customs may tell a bank about a trader: counts, months and kinds of value-control
    findings (value control's own summary, mirror findings included), of the exchange's mirror
    findings and of approved incidents naming them. No declaration, line, value or person."""
    if party is None:
        mirrors = MirrorFinding.objects.none()
        incidents = Incident.objects.none()
    else:
        mirrors = MirrorFinding.objects.filter(declaration__importer=party)
        incidents = Incident.objects.filter(review_status=ReviewStatus.APPROVED, parties__party=party).distinct()
    mirror_span = mirrors.aggregate(first=Min("month"), last=Max("month"))
    incident_span = incidents.aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
    by_type = dict(
        Incident.objects.filter(pk__in=incidents.values("pk")).values_list("incident_type").annotate(n=Count("pk"))
    )
    return {
        "known_trader": party is not None,
        "value_control": trader_value_control(importer_id=party.pk if party is not None else None),
        "mirror_checks": {"findings": mirrors.count(), **_months(mirror_span["first"], mirror_span["last"])},
        "incidents": {
            "count": sum(by_type.values()),
            "by_kind": {str(kind): n for kind, n in sorted(by_type.items())},
            **_months(incident_span["first"], incident_span["last"]),
        },
    }


@transaction.atomic
def bank_request_answer(*, actor: Actor, agreement: Agreement, ntn: str, bank_reference: str = "") -> BankRequest:
    """A bank's compliance unit asks about the trader with this NTN: the summary, recorded with the
    request (the NTN's keyed hash, never the NTN) in the exchange log."""
    require_exchange(actor, ExchangeAction.ANSWER_BANK)
    if agreement.kind != PartnerKind.BANK:
        raise DomainError.for_field("agreement", ExchangeError.DATASET_NOT_AGREED, _("This is not a bank's agreement."))
    _require_in_force(agreement, Dataset.TRADER_SUMMARY)
    try:
        normal = ntn_normalize(ntn or "")
    except ValidationError as exc:
        raise DomainError.for_field("ntn", ExchangeError.NTN_INVALID, str(exc.messages[0])) from exc
    reference = text_clean(bank_reference or "", model=BankRequest, name="bank_reference").strip()
    digest = party_hash(kind=PartyKind.TRADER, scheme=PartyScheme.NTN, identifier=normal)
    party = Party.objects.filter(identifier_hash=digest, kind=PartyKind.TRADER).first()
    answer = trader_summary(party)
    request = BankRequest.objects.create(
        agreement=agreement,
        ntn_hash=digest,
        ntn_last4=normal.replace("-", "")[-4:],
        bank_reference=reference,
        answer=answer,
        actor=_account(actor),
    )
    body = json.dumps(answer, sort_keys=True).encode()
    log = ExchangeLog.objects.create(
        agreement=agreement,
        direction=Direction.BANK_REQUEST,
        dataset=Dataset.TRADER_SUMMARY,
        rows=1,
        checksum=hashlib.sha256(body).hexdigest(),
        actor=_account(actor),
    )
    event_record(
        kind=ExchangeEvent.BANK_ANSWERED,
        subject=request,
        actor=actor,
        data={"agreement": agreement.pk, "log": log.pk, "known": answer["known_trader"], "checksum": log.checksum},
    )
    return request
