"""The value-control and post-clearance audit API, under ``/api/risk``: a declaration's value check
and the ranked audit list. Each operation: one selector, schema out (rules in
``rabta/risk/permissions_valuation.py``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from rabta.api.params import PageNumberPagination
from rabta.api.schemas import ErrorOut
from rabta.risk import audit, valuation
from rabta.risk.models_valuation import AuditCandidate

router = Router(tags=["risk"])
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class BandOut(Schema):
    level: str = Field(description="code_origin, code or heading: how narrow the history behind the band is")
    code: str
    origin: str
    sample_size: int
    low: float = Field(description="Lower edge, rupees per unit (or per kg)")
    far_low: float
    high: float
    median: float


class BasisOut(Schema):
    basis: str = Field(description="per_unit or per_kg")
    unit: str
    unit_value: float | None = Field(description="Rupees per unit (or kg); null when quantity or mass is not positive")
    finding: str
    band: BandOut | None


class ItemValueOut(Schema):
    item_number: int
    tariff_code: str
    origin: str
    finding: str = Field(description="far_below_band, below_band, above_band, in_band, no_band or cannot_judge")
    reason: str
    bases: list[BasisOut]
    suggested_low: float | None = Field(description="The band's value range for the item's quantity, declared currency")
    suggested_high: float | None
    suggested_low_pkr: float | None
    suggested_high_pkr: float | None
    shortfall_pkr: float


class OutsideFindingOut(Schema):
    source: str = Field(description="mirror: the exchange's mirror check against a partner's export declarations")
    basis: str = Field(description="shipment (this declaration) or period (month × HS6 × partner)")
    finding: str = Field(description="mirror_below or mirror_above")
    finding_label: str
    partner_country: str
    month: date
    currency: str
    declared_value: float = Field(description="Rabta's declared import value, in currency")
    outside_value: float = Field(description="The partner's declared export value, in currency")
    gap_percent: float = Field(description="(declared - outside) / outside × 100")
    reason: str


class DeclarationValueOut(Schema):
    number: str
    finding: str = Field(description="The most severe finding of the items")
    flagged: bool
    stored: bool = Field(description="false: not yet checked, computed now against the current bands")
    checked_at: datetime | None
    shortfall_pkr: float
    items: list[ItemValueOut]
    outside_findings: list[OutsideFindingOut] = Field(
        description="Findings handed to value control from outside its bands (the exchange's mirror checks)"
    )


class AuditReasonOut(Schema):
    code: str
    weight: float
    text: str


class AuditCandidateOut(Schema):
    number: str
    declared_on: date
    collectorate: str
    importer: str
    score: float
    value_component: float
    history_component: float
    model_component: float | None
    shortfall_pkr: float
    reasons: list[AuditReasonOut]

    @staticmethod
    def resolve_number(candidate: AuditCandidate) -> str:
        return candidate.declaration.number

    @staticmethod
    def resolve_declared_on(candidate: AuditCandidate) -> date:
        return candidate.declaration.declared_on

    @staticmethod
    def resolve_collectorate(candidate: AuditCandidate) -> str:
        return candidate.declaration.collectorate.code

    @staticmethod
    def resolve_importer(candidate: AuditCandidate) -> str:
        return candidate.declaration.importer.name

    @staticmethod
    def resolve_shortfall_pkr(candidate: AuditCandidate) -> float:
        return float(candidate.shortfall)


@router.get(
    "/declarations/{number}/value",
    response={200: DeclarationValueOut, 403: ErrorOut, 404: ErrorOut},
    summary="A declaration's value control: each item's unit values against its band, with a suggested range",
)
def declaration_value(request: HttpRequest, number: str) -> Any:
    return valuation.declaration_value(user=request.user, number=number)


@router.get(
    "/audit-candidates",
    response={200: list[AuditCandidateOut], 403: ErrorOut},
    summary="Released declarations ranked for post-clearance audit, with reasons (highest score first)",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def audit_candidates(request: HttpRequest) -> Any:
    return audit.audit_candidates(user=request.user)
