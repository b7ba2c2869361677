"""Enforcement API (/api/enforcement): incident reports from every formation and their trends.

Who may do what (the rules live in ``rabta.enforcement.permissions``, which the services ask):

* draft: an enforcement officer for their formation, a supervisor for theirs or one below;
* edit and submit a draft: its reporter; approve or return: a supervisor of the formation's line,
  never the reporter; amend an approved report and move its case on: the reporter or a supervisor;
* read: ``Incident.objects.visible_to`` (reporter, the formation's enforcement staff, customs
  managers and risk analysts for approved reports); anything else is 404;
* trends and top movers: enforcement staff, customs managers and risk analysts, over the
  formations whose approved reports they see.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from rabta.api.params import Int64, RowId
from rabta.api.schemas import ErrorOut, EventOut
from rabta.complaints.services.attachments import max_bytes
from rabta.core.permissions import get_visible_or_404
from rabta.core.ratelimit import rate_limit
from rabta.customs.selectors import declaration_get
from rabta.enforcement import selectors, services
from rabta.enforcement.choices import CaseOutcome, CaseStatus, IncidentType, ModusOperandi, ReviewStatus
from rabta.enforcement.downloads import evidence_response
from rabta.enforcement.models import Incident
from rabta.enforcement.permissions import may_see_incidents_of_declaration, not_allowed

router = Router(tags=["enforcement"])


class IncidentGoodsIn(Schema):
    tariff_code: str
    description: str
    quantity: str = Field(description="a decimal number above 0, at most 3 decimals")
    unit: str = Field(description="UN/ECE Recommendation 20 code, e.g. KGM, NMB")
    value: str = Field(description="estimated value in PKR")
    origin_country: str = ""


class IncidentPartyIn(Schema):
    role: str = Field(description="importer, exporter, declarant, carrier or person")
    identifier: str = Field("", description="NTN (importer/exporter) or licence (declarant) in the KYC registry")
    name: str = ""
    country: str = ""


class IncidentIn(Schema):
    formation: str = Field(description="code of the customs formation reporting")
    occurred_on: str = Field(description="YYYY-MM-DD, not in the future")
    incident_type: str
    modus_operandi: str
    description: str
    goods: list[IncidentGoodsIn]
    parties: list[IncidentPartyIn] = []
    declarations: list[str] = Field([], description="numbers of the goods declarations involved")
    place: str = Field("", description="jurisdiction code")
    location: str = ""
    route: str = ""
    latitude: str | None = None
    longitude: str | None = None
    conveyance_kind: str = ""
    conveyance_reference: str = ""


class IncidentGoodsOut(Schema):
    line: int
    tariff_code: str
    description: str
    quantity: Decimal
    unit: str
    value: Decimal
    origin_country: str


class IncidentPartyOut(Schema):
    role: str
    name: str
    country: str
    registered: bool = Field(description="linked to a party of the KYC registry")
    identifier_last4: str


class IncidentAmendmentOut(Schema):
    at: datetime
    by: str
    reason: str
    changes: dict[str, Any]


class IncidentEvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str = Field(description="of the stored (cleaned) file")
    uploaded_at: datetime
    uploaded_by: str
    amendment_reason: str = Field(description="the reasons, when the file was added to an approved report")


class IncidentOut(Schema):
    reference: str
    formation: str
    formation_name: str
    occurred_on: date
    incident_type: IncidentType
    modus_operandi: ModusOperandi
    description: str
    place: str | None
    location: str
    route: str
    latitude: Decimal | None
    longitude: Decimal | None
    conveyance_kind: str
    conveyance_reference: str
    review_status: ReviewStatus
    case_status: CaseStatus
    case_outcome: str
    fine_amount: Decimal | None
    total_value: Decimal
    reported_by: str
    approved_by: str | None
    approved_at: datetime | None
    goods: list[IncidentGoodsOut]
    parties: list[IncidentPartyOut]
    declarations: list[str]
    amendments: list[IncidentAmendmentOut]
    evidence: list[IncidentEvidenceOut]


class IncidentRowOut(Schema):
    reference: str
    formation: str
    occurred_on: date
    incident_type: IncidentType
    review_status: ReviewStatus
    case_status: CaseStatus
    total_value: Decimal
    reported_by: str


class IncidentReasonIn(Schema):
    reason: str = ""


class IncidentAmendIn(Schema):
    reason: str = ""
    changes: dict[str, Any] = Field({}, description="report fields to correct, each with its new value")
    goods: list[IncidentGoodsIn] | None = Field(None, description="the corrected goods, all lines (omit to keep them)")


class IncidentCaseIn(Schema):
    case_status: CaseStatus
    outcome: CaseOutcome = CaseOutcome.NONE
    fine_amount: str | None = None
    reason: str = ""


class IncidentTrendOut(Schema):
    value: str
    month: date
    incidents: int
    goods_value: Decimal


class IncidentMoverOut(Schema):
    value: str
    this_month: int
    baseline_mean: float
    change: float | None
    score: float


def _input(payload: IncidentIn) -> services.IncidentInput:
    return services.IncidentInput(
        formation=payload.formation,
        occurred_on=payload.occurred_on,
        incident_type=payload.incident_type,
        modus_operandi=payload.modus_operandi,
        description=payload.description,
        goods=[services.GoodsInput(**g.dict()) for g in payload.goods],
        parties=[services.PartyInput(**p.dict()) for p in payload.parties],
        declarations=payload.declarations,
        place=payload.place,
        location=payload.location,
        route=payload.route,
        latitude=payload.latitude,
        longitude=payload.longitude,
        conveyance_kind=payload.conveyance_kind,
        conveyance_reference=payload.conveyance_reference,
    )


def _out(incident: Incident) -> IncidentOut:
    return IncidentOut(
        reference=incident.reference,
        formation=incident.formation.code,
        formation_name=incident.formation.name,
        occurred_on=incident.occurred_on,
        incident_type=IncidentType(incident.incident_type),
        modus_operandi=ModusOperandi(incident.modus_operandi),
        description=incident.description,
        place=incident.place.code if incident.place else None,
        location=incident.location,
        route=incident.route,
        latitude=incident.latitude,
        longitude=incident.longitude,
        conveyance_kind=incident.conveyance_kind,
        conveyance_reference=incident.conveyance_reference,
        review_status=ReviewStatus(incident.review_status),
        case_status=CaseStatus(incident.case_status),
        case_outcome=incident.case_outcome,
        fine_amount=incident.fine_amount,
        total_value=incident.total_value,
        reported_by=incident.reported_by.full_name,
        approved_by=incident.approved_by.full_name if incident.approved_by else None,
        approved_at=incident.approved_at,
        goods=[IncidentGoodsOut.model_validate(g, from_attributes=True) for g in incident.goods.all()],
        parties=[
            IncidentPartyOut(
                role=p.role,
                name=p.name or (p.party.name if p.party else ""),
                country=p.country or (p.party.country if p.party else ""),
                registered=p.party_id is not None,
                identifier_last4=p.party.identifier_last4 if p.party else "",
            )
            for p in incident.parties.all()
        ],
        declarations=[d.number for d in incident.declarations.all()],
        amendments=[
            IncidentAmendmentOut(at=a.amended_at, by=a.amended_by.full_name, reason=a.reason, changes=a.changes)
            for a in incident.amendments.select_related("amended_by").order_by("amended_at", "id")
        ],
        evidence=[IncidentEvidenceOut(**row) for row in selectors.incident_evidence(incident=incident)],
    )


def _get(request: HttpRequest, incident_ref: str) -> Incident:
    return get_visible_or_404(selectors.incidents(), request.user, reference=incident_ref.strip().upper())


def _fresh(incident: Incident) -> IncidentOut:
    return _out(selectors.incidents().get(pk=incident.pk))


WRITE = {200: IncidentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/incidents",
    response={201: IncidentOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Draft an incident report",
)
def incident_draft(request: HttpRequest, payload: IncidentIn) -> Status[IncidentOut]:
    incident = services.incident_draft(actor=request.user, data=_input(payload))
    return Status(201, _fresh(incident))


@router.get("/incidents", response=list[IncidentRowOut], summary="Incident reports I may see, newest first")
def incident_list(
    request: HttpRequest,
    review_status: ReviewStatus | None = None,
    incident_type: IncidentType | None = None,
    formation: str | None = None,
    before_id: RowId | None = None,
    limit: Int64 = selectors.PAGE_SIZE,
) -> list[IncidentRowOut]:
    rows = selectors.incident_list(
        user=request.user,
        review_status=review_status,
        incident_type=incident_type,
        formation=formation,
        before_id=before_id,
        limit=limit,
    )
    return [_row(i) for i in rows]


def _row(i: Incident) -> IncidentRowOut:
    return IncidentRowOut(
        reference=i.reference,
        formation=i.formation.code,
        occurred_on=i.occurred_on,
        incident_type=IncidentType(i.incident_type),
        review_status=ReviewStatus(i.review_status),
        case_status=CaseStatus(i.case_status),
        total_value=i.total_value,
        reported_by=i.reported_by.full_name,
    )


@router.get(
    "/declarations/{number}/incidents",
    response={200: list[IncidentRowOut], 403: ErrorOut, 404: ErrorOut},
    summary="The approved incidents naming a declaration's importer, declarant or seller",
    description="To a reader of both: the declaration (else 404) and approved incidents (customs managers, risk "
    "analysts, enforcement staff; else 403), within the incidents they see; newest first, at most 20.",
)
def declaration_incidents(request: HttpRequest, number: str) -> list[IncidentRowOut]:
    declaration = declaration_get(user=request.user, number=number)
    if not may_see_incidents_of_declaration(request.user):
        raise not_allowed(_("Incidents are read by customs managers, risk analysts and enforcement staff."))
    rows = selectors.incidents_naming_parties(
        user=request.user, party_ids=[declaration.importer_id, declaration.declarant_id, declaration.seller_id]
    )
    return [_row(i) for i in rows]


@router.get(
    "/trends", response={200: list[IncidentTrendOut], 400: ErrorOut, 403: ErrorOut}, summary="Incidents per month"
)
def incident_trends(
    request: HttpRequest,
    by: str = "all",
    start: date | None = None,
    end: date | None = None,
    value: str = "",
    limit: Int64 = selectors.TREND_VALUES_DEFAULT,
) -> list[selectors.TrendPoint]:
    """Approved incidents and their goods' value per month, grouped ``by`` all, formation, route,
    origin, code (HS heading), modus or type, from the month of ``start`` to that of ``end`` (default:
    the last twelve months), over the formations the reader sees; the ``limit`` values with the most
    incidents in the period, or the one ``value`` named."""
    return selectors.incident_trends(user=request.user, dimension=by, start=start, end=end, value=value, limit=limit)


@router.get("/movers", response={200: list[IncidentMoverOut], 400: ErrorOut, 403: ErrorOut}, summary="What is rising")
def incident_movers(
    request: HttpRequest, by: str = "code", month: date | None = None, limit: Int64 = 10
) -> list[selectors.Mover]:
    """This month's incidents per value of ``by`` against the mean of the twelve months before."""
    return selectors.incident_movers(user=request.user, dimension=by, month=month, limit=limit)


@router.get("/incidents/{incident_ref}", response={200: IncidentOut, 404: ErrorOut}, summary="One incident report")
def incident_detail(request: HttpRequest, incident_ref: str) -> IncidentOut:
    return _out(_get(request, incident_ref))


@router.get("/incidents/{incident_ref}/timeline", response={200: list[EventOut], 404: ErrorOut}, summary="Its events")
def incident_timeline(request: HttpRequest, incident_ref: str) -> list[dict[str, Any]]:
    return selectors.incident_timeline(user=request.user, incident=_get(request, incident_ref))


@router.put("/incidents/{incident_ref}", response=WRITE, summary="Replace a draft's contents (its reporter)")
def incident_update(request: HttpRequest, incident_ref: str, payload: IncidentIn) -> IncidentOut:
    incident = services.incident_draft_update(
        actor=request.user, incident=_get(request, incident_ref), data=_input(payload)
    )
    return _fresh(incident)


@router.post("/incidents/{incident_ref}/submit", response=WRITE, summary="Submit a draft for review")
def incident_submit(request: HttpRequest, incident_ref: str) -> IncidentOut:
    return _fresh(services.incident_submit(actor=request.user, incident=_get(request, incident_ref)))


@router.post("/incidents/{incident_ref}/approve", response=WRITE, summary="Approve a submitted report")
def incident_approve(request: HttpRequest, incident_ref: str) -> IncidentOut:
    return _fresh(services.incident_approve(actor=request.user, incident=_get(request, incident_ref)))


@router.post("/incidents/{incident_ref}/return", response=WRITE, summary="Return a submitted report with reasons")
def incident_return(request: HttpRequest, incident_ref: str, payload: IncidentReasonIn) -> IncidentOut:
    incident = services.incident_return(actor=request.user, incident=_get(request, incident_ref), reason=payload.reason)
    return _fresh(incident)


@router.post("/incidents/{incident_ref}/amend", response=WRITE, summary="Correct an approved report, with reasons")
def incident_amend(request: HttpRequest, incident_ref: str, payload: IncidentAmendIn) -> IncidentOut:
    incident = _get(request, incident_ref)
    goods = None if payload.goods is None else [services.GoodsInput(**g.dict()) for g in payload.goods]
    services.incident_amend(
        actor=request.user, incident=incident, reason=payload.reason, changes=payload.changes, goods=goods
    )
    return _fresh(incident)


@router.post("/incidents/{incident_ref}/case", response=WRITE, summary="Move the case on, with its outcome")
def incident_case(request: HttpRequest, incident_ref: str, payload: IncidentCaseIn) -> IncidentOut:
    incident = services.incident_case_update(
        actor=request.user,
        incident=_get(request, incident_ref),
        case_status=payload.case_status,
        outcome=payload.outcome,
        fine_amount=payload.fine_amount,
        reason=payload.reason,
    )
    return _fresh(incident)


@router.get(
    "/incidents/{incident_ref}/evidence",
    response={200: list[IncidentEvidenceOut], 404: ErrorOut},
    summary="A report's evidence files, oldest first",
)
def evidence_list(request: HttpRequest, incident_ref: str) -> list[dict[str, Any]]:
    return selectors.incident_evidence(incident=_get(request, incident_ref))


@router.post(
    "/incidents/{incident_ref}/evidence",
    response={201: IncidentEvidenceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Attach a photo (JPEG, PNG, WebP) or a PDF as evidence; stored cleaned of its metadata",
    description="To a draft (its reporter), or to an approved report as an amendment with `reason` (its reporter "
    "or a supervisor of its line); a submitted report takes none. The type is judged by the content. A photo's "
    "GPS position is kept only with `share_location=true`.",
)
def evidence_upload(
    request: HttpRequest,
    incident_ref: str,
    file: UploadedFile = File(...),  # noqa: B008  (ninja declares uploads this way)
    reason: str = Form(""),
    share_location: bool = Form(False),
) -> Status[dict[str, Any]]:
    rate_limit(request, scope="uploads", subjects=[str(request.user.pk)])
    incident = _get(request, incident_ref)
    created = services.evidence_add(
        actor=request.user,
        incident=incident,
        name=file.name or "",
        # One byte over the limit is enough for the service to refuse; no more is read.
        data=file.read(max_bytes() + 1),
        reason=reason,
        share_location=share_location,
    )
    _, row = selectors.evidence_get(incident=incident, evidence_id=created.pk)
    return Status(201, row)


@router.get(
    "/incidents/{incident_ref}/evidence/{evidence_id}", response={404: ErrorOut}, summary="One file, as a download"
)
def evidence_download(request: HttpRequest, incident_ref: str, evidence_id: RowId) -> FileResponse:
    evidence, _row = selectors.evidence_get(incident=_get(request, incident_ref), evidence_id=evidence_id)
    return evidence_response(evidence)
