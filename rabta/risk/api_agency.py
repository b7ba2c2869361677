"""The border agencies' JSON API (rabta.risk.services.agencies): the registry, an agency's own rules
(saved only when they parse, back-tested), its selections and their results, the declarations under
its codes, its shared watch lists; and customs' view of the agencies' outcomes on a declaration.

An agency officer working for several agencies names one with ``agency`` (its code); otherwise their
only agency is meant. Anyone who works for no agency finds none (404)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from rabta.api.schemas import ErrorOut
from rabta.risk import selectors_agency as selectors
from rabta.risk.api import BacktestOut, writes
from rabta.risk.services.agencies import (
    AgencyRuleInput,
    agency_result_record,
    agency_rule_backtest,
    agency_rule_create,
    agency_rule_retire,
    agency_share,
)

router = Router(tags=["risk"])


class AgencyOut(Schema):
    code: str
    name_en: str
    name_ur: str
    code_prefixes: list[str]
    outcomes: list[str]


class AgencyRuleIn(Schema):
    agency: str = Field("", max_length=20, description="the agency's code (only when you work for several)")
    name: str = Field(..., max_length=200)
    condition: str = Field(..., max_length=2000, description='e.g. `origin == "IN" and net_mass > 1000`')
    outcome: str = Field(..., max_length=20, description="hold, lab_test, inspection or document_check")
    percentage: Decimal = Decimal(100)
    valid_from: date | None = None
    valid_until: date | None = None


class AgencyRuleOut(Schema):
    id: int
    agency: str
    name: str
    condition: str
    outcome: str
    percentage: Decimal
    valid_from: date
    valid_until: date | None
    status: str

    @staticmethod
    def resolve_agency(rule: Any) -> str:
        return str(rule.agency.code)


class AgencyRuleRef(Schema):
    rule: int
    reason: str = Field("", max_length=2000)


class AgencyBacktestIn(Schema):
    agency: str = Field("", max_length=20)
    condition: str = Field(..., max_length=2000)
    start: date
    end: date
    percentage: Decimal = Decimal(100)


class AgencySelectionOut(Schema):
    id: int
    agency: str
    agency_name: str
    declaration: str
    outcome: str
    rules_hit: list[dict[str, Any]]
    items: list[int]
    reason: str
    selected_at: datetime
    result: str
    result_note: str
    result_at: datetime | None


class AgencyResultIn(Schema):
    selection: int
    result: str = Field(..., max_length=12, description="cleared, conditional or refused")
    note: str = Field("", max_length=1000)


class AgencyItemOut(Schema):
    item_number: int
    tariff_code: str
    description: str
    origin_country: str
    quantity: Decimal | None
    unit: str
    net_mass_kg: Decimal | None


class AgencyDeclarationOut(Schema):
    number: str
    declared_on: date
    items: list[AgencyItemOut]
    selections: list[AgencySelectionOut]


class AgencyShareIn(Schema):
    agency: str = Field("", max_length=20)
    name: str = Field(..., max_length=40, description="the list is saved as `<agency code>-<name>`")
    kind: str = Field(..., max_length=10, description="party, code or country")
    entries: list[str] = Field(..., max_length=10_000)
    party_kind: str = Field("trader", max_length=16)
    note: str = Field("", max_length=500)


class AgencyShareOut(Schema):
    id: int
    agency: str
    watchlist: str
    kind: str
    entries: int
    note: str
    shared_at: datetime

    @staticmethod
    def resolve_agency(share: Any) -> str:
        return str(share.agency.code)

    @staticmethod
    def resolve_watchlist(share: Any) -> str:
        return str(share.watchlist.name)


@router.get("/agencies", response=list[AgencyOut], summary="Border agencies (customs staff; an agency sees its own)")
def agencies(request: HttpRequest) -> Any:
    return list(selectors.agency_list(user=request.user))


@router.get(
    "/agency/rules", response={200: list[AgencyRuleOut], 404: ErrorOut}, summary="Your agency's rules (agency officers)"
)
def agency_rules(request: HttpRequest, agency: str = "") -> Any:
    found = selectors.agency_of(user=request.user, code=agency)
    return list(selectors.agency_rule_list(user=request.user, agency=found).select_related("agency")[:500])


@router.post("/agency/rules", response=writes(201, AgencyRuleOut), summary="Save a rule of your agency; it must parse")
def agency_rule_save(request: HttpRequest, payload: AgencyRuleIn) -> Status[Any]:
    data = payload.dict()
    found = selectors.agency_of(user=request.user, code=data.pop("agency"))
    return Status(201, agency_rule_create(actor=request.user, agency=found, data=AgencyRuleInput(**data)))


@router.post("/agency/rules/retire", response=writes(200, AgencyRuleOut), summary="Retire a rule of your agency")
def agency_rule_retire_op(request: HttpRequest, payload: AgencyRuleRef) -> Any:
    rule = selectors.agency_rule_get(user=request.user, pk=payload.rule)
    return agency_rule_retire(actor=request.user, rule=rule, reason=payload.reason)


@router.post(
    "/agency/rules/backtest",
    response=writes(200, BacktestOut),
    summary="What your agency's condition would have matched over a past period (declarations under its codes)",
)
def agency_rule_backtest_op(request: HttpRequest, payload: AgencyBacktestIn) -> Any:
    found = selectors.agency_of(user=request.user, code=payload.agency)
    return agency_rule_backtest(
        actor=request.user,
        agency=found,
        condition=payload.condition,
        start=payload.start,
        end=payload.end,
        percentage=payload.percentage,
    ).as_dict()


@router.get(
    "/agency/selections",
    response={200: list[AgencySelectionOut], 404: ErrorOut},
    summary="Your agency's selections, newest first, with their results",
)
def agency_selections(request: HttpRequest, agency: str = "", outcome: str = "") -> Any:
    found = selectors.agency_of(user=request.user, code=agency)
    rows = selectors.agency_selection_list(user=request.user, agency=found, outcome=outcome)[:500]
    return [selectors.selection_as_dict(s) for s in rows]


@router.post(
    "/agency/selections/result",
    response=writes(200, AgencySelectionOut),
    summary="Record the result of your agency's hold, test or inspection (once)",
)
def agency_result(request: HttpRequest, payload: AgencyResultIn) -> Any:
    selection = selectors.agency_selection_get(user=request.user, pk=payload.selection)
    recorded = agency_result_record(actor=request.user, selection=selection, result=payload.result, note=payload.note)
    return selectors.selection_as_dict(recorded)


@router.get(
    "/agency/declarations/{number}",
    response={200: AgencyDeclarationOut, 404: ErrorOut},
    summary="A declaration with an item under your agency's codes: those items and your selections",
)
def agency_declaration(request: HttpRequest, number: str, agency: str = "") -> Any:
    found = selectors.agency_of(user=request.user, code=agency)
    return selectors.agency_declaration(user=request.user, agency=found, number=number)


@router.get(
    "/agency/shares",
    response={200: list[AgencyShareOut], 404: ErrorOut},
    summary="The watch lists your agency shared with customs",
)
def agency_shares(request: HttpRequest, agency: str = "") -> Any:
    found = selectors.agency_of(user=request.user, code=agency)
    return list(selectors.agency_share_list(user=request.user, agency=found)[:500])


@router.post(
    "/agency/shares",
    response=writes(201, AgencyShareOut),
    summary="Share watch-listed parties, codes or origins with customs (a risk watch list)",
)
def agency_share_op(request: HttpRequest, payload: AgencyShareIn) -> Status[Any]:
    data = payload.dict()
    found = selectors.agency_of(user=request.user, code=data.pop("agency"))
    return Status(201, agency_share(actor=request.user, agency=found, **data))


@router.get(
    "/declarations/{number}/agencies",
    response={200: list[AgencySelectionOut], 404: ErrorOut},
    summary="The border agencies' outcomes on a declaration, beside its lane (customs staff)",
)
def declaration_agencies(request: HttpRequest, number: str) -> Any:
    return selectors.declaration_agency_outcomes(user=request.user, number=number)
