"""Data exchange API (/api/exchange): bilateral agreements, WCO-shaped exports (streamed), imports
of partner files with their rejects and mirror findings, and banks' requests about traders.

Who may do what (``rabta.exchange.permissions``): everything is the customs data exchange
officers' (a national role). Their agreements, log, imports and requests are outside everyone
else's scope: lists are empty and an item is 404; creating an agreement is 403."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from rabta.api.params import Int64, RowId
from rabta.api.schemas import ErrorOut
from rabta.core.permissions import get_visible_or_404
from rabta.exchange import selectors, services
from rabta.exchange.choices import AgreementStatus, Dataset, FileFormat, PartnerKind
from rabta.exchange.models import Agreement, BankRequest, ExchangeLog, PartnerImport

router = Router(tags=["data exchange"])
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ExchangeAgreementIn(Schema):
    kind: PartnerKind
    partner_country: str = Field(description="ISO 3166-1 alpha-2")
    partner_name: str
    datasets: list[str] = Field(default_factory=list, description="declarations, incidents (banks: trader_summary)")
    fields: list[str] = Field(default_factory=list, description="keys of the WCO mapping (docs/exchange.md)")
    valid_from: date
    valid_to: date | None = None
    status: AgreementStatus = AgreementStatus.DRAFT
    tolerance_percent: Decimal | None = Field(None, description="mirror-check tolerance, per cent (default 10)")


class ExchangeAgreementOut(Schema):
    id: int
    kind: str
    partner_country: str
    partner_name: str
    datasets: list[str]
    fields: list[str]
    valid_from: date
    valid_to: date | None
    status: str
    tolerance_percent: Decimal
    created_at: datetime


class ExchangeStatusIn(Schema):
    status: AgreementStatus
    reason: str = ""


class ExchangeLogOut(Schema):
    id: int
    agreement_id: int
    direction: str
    dataset: str
    file_format: str
    period_from: date | None
    period_to: date | None
    rows: int
    checksum: str
    actor: str | None
    created_at: datetime


class ExchangeImportIn(Schema):
    format: FileFormat = FileFormat.JSON
    name: str = ""
    content: str = Field(description="the partner's file, as text (UTF-8)")


class ExchangeRejectOut(Schema):
    row: int
    element: str
    field: str
    code: str
    reason: str


class ExchangeFindingOut(Schema):
    basis: str
    reference: str
    hs6: str
    month: date
    currency: str
    import_value: Decimal
    export_value: Decimal
    gap_percent: Decimal


class ExchangeImportOut(Schema):
    id: int
    agreement_id: int
    status: str
    file_format: str
    original_name: str
    rows: int
    rejected: int
    findings: int
    checksum: str
    created_at: datetime


class ExchangeImportDetailOut(ExchangeImportOut):
    rejects: list[ExchangeRejectOut]
    mirror_findings: list[ExchangeFindingOut]


class ExchangeBankRequestIn(Schema):
    ntn: str = Field(description="the trader's NTN (1234567-8)")
    bank_reference: str = ""


class ExchangeBankRequestOut(Schema):
    id: int
    agreement_id: int
    ntn_last4: str
    bank_reference: str
    answer: dict[str, Any]
    created_at: datetime


def _log_out(row: ExchangeLog) -> ExchangeLogOut:
    return ExchangeLogOut(
        id=row.pk,
        agreement_id=row.agreement_id,
        direction=row.direction,
        dataset=row.dataset,
        file_format=row.file_format,
        period_from=row.period_from,
        period_to=row.period_to,
        rows=row.rows,
        checksum=row.checksum,
        actor=row.actor.full_name if row.actor else None,
        created_at=row.created_at,
    )


@router.get("/agreements", response=list[ExchangeAgreementOut], summary="Exchange agreements I may see")
def agreement_list(request: HttpRequest, limit: Int64 = selectors.PAGE_SIZE) -> list[Agreement]:
    return selectors.agreement_list(user=request.user, limit=limit)


@router.post("/agreements", response={201: ExchangeAgreementOut, **WRITE}, summary="Make a bilateral agreement")
def agreement_create(request: HttpRequest, payload: ExchangeAgreementIn) -> Status[Agreement]:
    return Status(201, services.agreement_create(actor=request.user, **payload.dict()))


@router.get("/agreements/{agreement_id}", response={200: ExchangeAgreementOut, 404: ErrorOut}, summary="One agreement")
def agreement_detail(request: HttpRequest, agreement_id: RowId) -> Agreement:
    return get_visible_or_404(selectors.agreements(), request.user, pk=agreement_id)


@router.post(
    "/agreements/{agreement_id}/status",
    response={200: ExchangeAgreementOut, **WRITE},
    summary="Put in force, suspend, end",
)
def agreement_status(request: HttpRequest, agreement_id: RowId, payload: ExchangeStatusIn) -> Agreement:
    agreement = get_visible_or_404(selectors.agreements(), request.user, pk=agreement_id)
    return services.agreement_set_status(
        actor=request.user, agreement=agreement, status=payload.status, reason=payload.reason
    )


@router.get(
    "/agreements/{agreement_id}/export",
    response={200: None, **WRITE},
    summary="Export a dataset of a period to the partner (WCO-shaped JSON or XML, streamed; logged)",
)
def agreement_export(
    request: HttpRequest,
    agreement_id: RowId,
    start: date | None = None,
    end: date | None = None,
    dataset: Dataset = Dataset.DECLARATIONS,
    format: FileFormat = FileFormat.JSON,
) -> StreamingHttpResponse:
    """``start`` and ``end`` default to the last whole month."""
    agreement = get_visible_or_404(selectors.agreements(), request.user, pk=agreement_id)
    default_start, default_end = services.last_month()
    export = services.exchange_export(
        actor=request.user,
        agreement=agreement,
        dataset=dataset,
        file_format=format,
        period_from=start or default_start,
        period_to=end or default_end,
    )
    response = StreamingHttpResponse((chunk.encode() for chunk in export.chunks), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@router.post(
    "/agreements/{agreement_id}/imports",
    response={201: ExchangeImportDetailOut, **WRITE},
    summary="Import a partner's export declarations (rejected whole, with every fault, if it fails its schema)",
)
def agreement_import(request: HttpRequest, agreement_id: RowId, payload: ExchangeImportIn) -> Status[dict[str, Any]]:
    agreement = get_visible_or_404(selectors.agreements(), request.user, pk=agreement_id)
    stored = services.partner_import(
        actor=request.user,
        agreement=agreement,
        data=payload.content.encode(),
        file_format=payload.format,
        name=payload.name,
    )
    return Status(201, _import_detail(stored))


@router.post(
    "/agreements/{agreement_id}/bank-requests",
    response={201: ExchangeBankRequestOut, **WRITE},
    summary="Answer a bank compliance unit's request about a trader (a summary; recorded)",
)
def bank_request(request: HttpRequest, agreement_id: RowId, payload: ExchangeBankRequestIn) -> Status[BankRequest]:
    agreement = get_visible_or_404(selectors.agreements(), request.user, pk=agreement_id)
    answered = services.bank_request_answer(
        actor=request.user, agreement=agreement, ntn=payload.ntn, bank_reference=payload.bank_reference
    )
    return Status(201, answered)


@router.get("/log", response=list[ExchangeLogOut], summary="Every exchange, newest first")
def exchange_log(request: HttpRequest, limit: Int64 = selectors.PAGE_SIZE) -> list[ExchangeLogOut]:
    return [_log_out(row) for row in selectors.exchange_log(user=request.user, limit=limit)]


@router.get("/imports", response=list[ExchangeImportOut], summary="Partner files imported, newest first")
def import_list(request: HttpRequest, limit: Int64 = selectors.PAGE_SIZE) -> list[PartnerImport]:
    return selectors.import_list(user=request.user, limit=limit)


def _import_detail(stored: PartnerImport) -> dict[str, Any]:
    return {
        **ExchangeImportOut.model_validate(stored).model_dump(),
        "rejects": list(stored.rejects.values("row", "element", "field", "code", "reason")[:1000]),
        "mirror_findings": list(
            stored.mirror_findings.values(
                "basis", "reference", "hs6", "month", "currency", "import_value", "export_value", "gap_percent"
            )[:1000]
        ),
    }


@router.get(
    "/imports/{import_id}",
    response={200: ExchangeImportDetailOut, 404: ErrorOut},
    summary="One import, its rejects and findings",
)
def import_detail(request: HttpRequest, import_id: RowId) -> dict[str, Any]:
    return _import_detail(get_visible_or_404(selectors.partner_imports(), request.user, pk=import_id))


@router.get("/bank-requests", response=list[ExchangeBankRequestOut], summary="Banks' requests and their answers")
def bank_request_list(request: HttpRequest, limit: Int64 = selectors.PAGE_SIZE) -> list[BankRequest]:
    return selectors.bank_request_list(user=request.user, limit=limit)
