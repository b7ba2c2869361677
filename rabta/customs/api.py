"""The customs JSON API: file a declaration, read one, list those in scope, its clearance trail,
and the officers' stage moves. Each operation: schema in, one selector or service, schema out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from rabta.api.params import Int64, PageNumberPagination
from rabta.api.schemas import ErrorOut, EventOut
from rabta.complaints.selectors import complaints_about_declaration
from rabta.core.live import live_response
from rabta.customs import dashboard, selectors
from rabta.customs.choices import PartyKind, Regime, TransportMode
from rabta.customs.models import Declaration, Party
from rabta.customs.services import clearance
from rabta.customs.services.declarations import DeclarationInput, ItemInput, declaration_file, lane_assign
from rabta.customs.services.parties import PartyRef
from rabta.customs.services.rollups import LIVE_TOPIC
from rabta.risk.selectors import lane_decision_latest

router = Router(tags=["customs"])
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class DeclarationItemIn(Schema):
    item_number: Int64 = 1
    tariff_code: str = Field(..., max_length=40, description="6 to 12 digits (HS6 up to the national 12-digit code)")
    description: str = Field(..., max_length=2000)
    origin_country: str = Field(..., max_length=8, description="ISO 3166 alpha-2")
    departure_country: str = Field(..., max_length=8, description="ISO 3166 alpha-2")
    quantity: Decimal
    unit: str = Field(..., max_length=8, description="UN/ECE Recommendation 20 code: KGM, NMB, LTR...")
    net_mass_kg: Decimal
    customs_value: Decimal
    duty_assessed: Decimal = Decimal(0)
    taxes_assessed: Decimal = Decimal(0)


class DeclarationFileIn(Schema):
    number: str = Field(..., max_length=100)
    declared_on: date
    arrived_at: datetime | None = Field(
        None, description="When the goods arrived (ISO 8601 with a time zone), if known: the Time Release Study's start"
    )
    collectorate: str = Field(..., max_length=60, description="The collectorate's office code")
    station: str = Field("", max_length=60, description="The port or station's office code, under the collectorate")
    regime: Regime = Regime.IMPORT
    declaration_type: str = Field("", max_length=40)
    transport_mode: TransportMode = TransportMode.SEA
    currency: str = Field("PKR", max_length=8, description="ISO 4217")
    exchange_rate: Decimal = Decimal(1)
    importer: str = Field(..., max_length=40, description="The importer's NTN; it must be verified on your account")
    declarant: str = Field("", max_length=40, description="The clearing agent's licence number")
    seller_name: str = Field("", max_length=400)
    seller_country: str = Field("", max_length=8)
    items: list[DeclarationItemIn] = Field(..., max_length=999)


class DeclarationPartyOut(Schema):
    kind: str
    name: str
    country: str
    identifier: str = Field(description="Masked: the last four characters only")


class DeclarationItemOut(Schema):
    item_number: int
    tariff_code: str
    description: str
    origin_country: str
    departure_country: str
    quantity: Decimal
    unit: str
    net_mass_kg: Decimal
    customs_value: Decimal
    duty_assessed: Decimal
    taxes_assessed: Decimal


class ExaminationOut(Schema):
    outcome: str
    discrepancy_type: str
    extra_duty: Decimal
    remarks: str


class DeclarationSummaryOut(Schema):
    number: str
    declared_on: date
    collectorate: str
    status: str
    lane: str
    importer: str = Field(description="The importer's name")

    @staticmethod
    def resolve_collectorate(declaration: Declaration) -> str:
        return declaration.collectorate.code

    @staticmethod
    def resolve_importer(declaration: Declaration) -> str:
        return declaration.importer.name


class DeclarationComplaintOut(Schema):
    tracking_number: str
    status: str
    category: str = Field(description="The complaint category's code")
    office: str = Field(description="The office handling it")


class DeclarationOut(Schema):
    number: str
    declared_on: date
    arrived_at: datetime | None
    regime: str
    declaration_type: str
    collectorate: str
    station: str | None
    transport_mode: str
    currency: str
    exchange_rate: Decimal
    status: str
    lane: str
    importer: DeclarationPartyOut
    declarant: DeclarationPartyOut | None
    seller: DeclarationPartyOut | None
    assessed_amount: Decimal | None
    paid_amount: Decimal | None
    items: list[DeclarationItemOut]
    examination: ExaminationOut | None
    complaints: list[DeclarationComplaintOut] = Field(
        description="Complaints about this declaration, for staff who may see both it and them (empty for others); "
        "where each stands, never who lodged it"
    )
    lane_decision: dict[str, Any] | None = Field(
        None,
        description="Why it has its lane (rules hit, model score and version, random or top-up): customs staff only.",
    )


class LaneIn(Schema):
    lane: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=2000)


class StageIn(Schema):
    reason: str = Field("", max_length=2000)


class ExaminationIn(Schema):
    outcome: str = Field(..., max_length=40, description="no_discrepancy, discrepancy or critical_discrepancy")
    discrepancy_type: str = Field(
        "",
        max_length=40,
        description="undervaluation, misclassification, origin, quantity or prohibited_restricted",
    )
    extra_duty: Decimal = Decimal(0)
    remarks: str = Field("", max_length=2000)


class PaymentIn(Schema):
    amount: Decimal


def _party(party: Party | None) -> dict[str, Any] | None:
    if party is None:
        return None
    return {"kind": party.kind, "name": party.name, "country": party.country, "identifier": party.masked}


def _out(declaration: Declaration, user: Any = None) -> dict[str, Any]:
    return {
        "number": declaration.number,
        "declared_on": declaration.declared_on,
        "arrived_at": declaration.arrived_at,
        "regime": declaration.regime,
        "declaration_type": declaration.declaration_type,
        "collectorate": declaration.collectorate.code,
        "station": declaration.station.code if declaration.station else None,
        "transport_mode": declaration.transport_mode,
        "currency": declaration.currency,
        "exchange_rate": declaration.exchange_rate,
        "status": declaration.status,
        "lane": declaration.lane,
        "importer": _party(declaration.importer),
        "declarant": _party(declaration.declarant),
        "seller": _party(declaration.seller),
        "assessed_amount": declaration.assessed_amount,
        "paid_amount": declaration.paid_amount,
        "items": list(declaration.items.all()),
        "examination": selectors.examination_of(declaration),
        "complaints": complaints_about_declaration(user=user, declaration=declaration),
        "lane_decision": lane_decision_latest(user=user, declaration=declaration) if user is not None else None,
    }


IDEMPOTENCY = (
    "Send an `Idempotency-Key` header (a new random value per declaration): a retry of the same request with "
    "the same key returns the declaration already filed (200) instead of filing it twice; the same key with a "
    "different declaration is refused with 422 `idempotency_key_reused`."
)


@router.post(
    "/declarations",
    response={200: DeclarationOut, 201: DeclarationOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="File a goods declaration for an importer whose NTN is verified on your account",
    description=IDEMPOTENCY,
)
def file_declaration(request: HttpRequest, payload: DeclarationFileIn) -> Status[dict[str, Any]]:
    data = DeclarationInput(
        number=payload.number,
        declared_on=payload.declared_on,
        arrived_at=payload.arrived_at,
        collectorate=payload.collectorate,
        station=payload.station,
        regime=payload.regime,
        declaration_type=payload.declaration_type,
        transport_mode=payload.transport_mode,
        currency=payload.currency,
        exchange_rate=payload.exchange_rate,
        importer=PartyRef(kind=PartyKind.TRADER, identifier=payload.importer),
        declarant=PartyRef(kind=PartyKind.CLEARING_AGENT, identifier=payload.declarant) if payload.declarant else None,
        seller=(
            PartyRef(kind=PartyKind.FOREIGN_TRADER, name=payload.seller_name, country=payload.seller_country)
            if payload.seller_name or payload.seller_country
            else None
        ),
        items=[ItemInput(**item.dict()) for item in payload.items],
    )
    filing = declaration_file(
        data=data, actor=request.user, idempotency_key=request.headers.get("Idempotency-Key") or None
    )
    declaration = selectors.declaration_get(user=request.user, number=filing.declaration.number)
    return Status(201 if filing.created else 200, _out(declaration, request.user))


@router.get(
    "/declarations",
    response={200: list[DeclarationSummaryOut], 400: ErrorOut, 422: ErrorOut},
    summary="Declarations I may see (my own, or my collectorates'), newest first",
    description="Filters: `status` (filed, lane_assigned, documents_checked, examined, assessed, duty_paid, "
    "released) and `collectorate` (an office code).",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def declaration_list(request: HttpRequest, status: str = "", collectorate: str = "") -> Any:
    return selectors.declaration_list(user=request.user, status=status, collectorate=collectorate[:60])


@router.get("/declarations/{number}", response={200: DeclarationOut, 404: ErrorOut}, summary="One declaration")
def declaration_read(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(selectors.declaration_get(user=request.user, number=number), request.user)


@router.get(
    "/declarations/{number}/timeline",
    response={200: list[EventOut], 404: ErrorOut},
    summary="The clearance trail: each stage with its time and who recorded it",
)
def declaration_timeline(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    return selectors.declaration_timeline(user=request.user, number=number)


MOVE = {200: DeclarationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _act(request: HttpRequest, number: str, service: Any, **kwargs: Any) -> dict[str, Any]:
    declaration = selectors.declaration_get(user=request.user, number=number)
    service(declaration=declaration, actor=request.user, **kwargs)
    return _out(selectors.declaration_get(user=request.user, number=number), request.user)


@router.post("/declarations/{number}/lane", response=MOVE, summary="Re-route to another lane (customs manager)")
def lane(request: HttpRequest, number: str, payload: LaneIn) -> dict[str, Any]:
    return _act(request, number, lane_assign, lane=payload.lane, reason=payload.reason)


@router.post("/declarations/{number}/documents-check", response=MOVE, summary="Record the documentary check")
def documents_check(request: HttpRequest, number: str, payload: StageIn) -> dict[str, Any]:
    return _act(request, number, clearance.declaration_check_documents, reason=payload.reason)


@router.post(
    "/declarations/{number}/examination", response=MOVE, summary="Record the examination's result (examining officer)"
)
def examination(request: HttpRequest, number: str, payload: ExaminationIn) -> dict[str, Any]:
    return _act(
        request,
        number,
        clearance.declaration_examine,
        outcome=payload.outcome,
        discrepancy_type=payload.discrepancy_type,
        extra_duty=payload.extra_duty,
        remarks=payload.remarks,
    )


@router.post("/declarations/{number}/assessment", response=MOVE, summary="Assess the duty and taxes")
def assessment(request: HttpRequest, number: str, payload: StageIn) -> dict[str, Any]:
    return _act(request, number, clearance.declaration_assess, reason=payload.reason)


@router.post("/declarations/{number}/payment", response=MOVE, summary="Record the payment of the assessed duty")
def payment(request: HttpRequest, number: str, payload: PaymentIn) -> dict[str, Any]:
    return _act(request, number, clearance.declaration_record_payment, amount=payload.amount)


@router.post("/declarations/{number}/release", response=MOVE, summary="Release the goods")
def release(request: HttpRequest, number: str, payload: StageIn) -> dict[str, Any]:
    return _act(request, number, clearance.declaration_release, reason=payload.reason)


# The live clearance dashboard (rabta.customs.dashboard). The panels answer polls with ETag/304
# (rabta.core.live): a client that sends back the ETag it holds gets an empty 304 until a move
# commits, after one cache read.
@router.get(
    "/dashboard/panels",
    response={200: dict[str, Any], 304: None, 400: ErrorOut, 404: ErrorOut},
    summary="Every panel of the clearance dashboard for a window, collectorate and port in your reach",
    description="Send `If-None-Match` with the last `ETag`: 304 while nothing changed. "
    "`window` is one of 24h, 7d, 30d; `collectorate` and `port` are office codes; `lang` (en, ur) the language of the labels.",
)
def dashboard_panels(
    request: HttpRequest, collectorate: str = "", port: str = "", window: str = "", lang: str = ""
) -> HttpResponse:
    language = lang if lang in dict(settings.LANGUAGES) else get_language()
    with translation.override(language):
        filters = dashboard.dashboard_filters(user=request.user, collectorate=collectorate, port=port, window=window)

        def build() -> dict[str, Any]:
            with translation.override(language):
                return dashboard.dashboard_panels(filters=filters)

        return live_response(request, topics=[LIVE_TOPIC], variant=f"{filters.variant()}|{language}", build=build)


class DashboardOfficeOut(Schema):
    code: str
    name: str
    ports: list[dict[str, str]]


@router.get(
    "/dashboard/collectorates",
    response={200: list[DashboardOfficeOut], 404: ErrorOut},
    summary="The collectorates (and their ports) whose clearance figures you may read",
)
def dashboard_collectorates(request: HttpRequest) -> list[dict[str, Any]]:
    return dashboard.dashboard_offices(user=request.user)
