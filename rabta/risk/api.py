"""The risk analysts' JSON API: rules (with validation and back-test), watch lists, models and the
selection statistics; and every reader's view of a declaration's lane decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from rabta.api.schemas import ErrorOut
from rabta.risk import selectors
from rabta.risk.services.models import model_activate, model_approve
from rabta.risk.services.rules import (
    RuleInput,
    rule_activate,
    rule_backtest,
    rule_backtest_record,
    rule_create,
    rule_retire,
    watchlist_save,
)

router = Router(tags=["risk"])


def writes(status: int, schema: Any) -> dict[int, Any]:
    return {status: schema, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RuleIn(Schema):
    name: str = Field(..., max_length=200)
    condition: str = Field(..., max_length=2000, description='e.g. `origin == "CN" and value_per_kg < 2`')
    lane: str = Field(..., max_length=20)
    percentage: Decimal = Decimal(100)
    valid_from: date | None = None
    valid_until: date | None = None


class RuleOut(Schema):
    id: int
    name: str
    condition: str
    lane: str
    percentage: Decimal
    valid_from: date
    valid_until: date | None
    status: str
    author: str | None

    @staticmethod
    def resolve_author(rule: Any) -> str | None:
        return rule.author.get_full_name() if rule.author else None


class RuleRef(Schema):
    rule: int
    reason: str = Field("", max_length=2000)


class BacktestIn(Schema):
    condition: str = Field(..., max_length=2000)
    start: date
    end: date
    percentage: Decimal = Decimal(100)


class RulePeriodIn(Schema):
    rule: int
    start: date
    end: date


class RuleBacktestRecordOut(Schema):
    id: int
    rule: int = Field(..., alias="rule_id")
    start: date
    end: date
    results: dict[str, Any]
    ran_at: datetime


class RuleActivateIn(Schema):
    rule: int


class BacktestOut(Schema):
    declarations: int
    matched: int
    would_select: int
    examined: int
    hits: int
    hit_rate: float | None


class WatchListIn(Schema):
    name: str = Field(..., max_length=60)
    kind: str = Field(..., max_length=10, description="party, code or country")
    entries: list[str] = Field(..., max_length=10_000)
    party_kind: str = Field("trader", max_length=16)
    description: str = Field("", max_length=500)


class WatchListOut(Schema):
    name: str
    kind: str
    party_kind: str
    labels: list[str]
    description: str


class ModelOut(Schema):
    version: int
    status: str
    sha256: str
    window_start: date
    window_end: date
    rows: int
    positives: int
    metrics: dict[str, Any]
    approved_at: datetime | None
    activated_at: datetime | None
    refusal: str


class ModelRef(Schema):
    version: int


class LaneDecisionOut(Schema):
    lane: str
    source: str
    decided_at: datetime
    rules_hit: list[dict[str, Any]]
    model_version: int | None
    model_score: float | None
    model_outcome: str
    model_error: str
    missing_features: list[str]
    random_selected: bool
    exploration: bool
    top_up: bool
    value_findings: list[dict[str, Any]]
    reason: str


@router.get("/rules", response=list[RuleOut], summary="Officer rules (risk analysts)")
def rules(request: HttpRequest) -> Any:
    return list(selectors.rule_list(user=request.user)[:500])


@router.post("/rules", response=writes(201, RuleOut), summary="Save a rule; a condition that does not parse is refused")
def rule_save(request: HttpRequest, payload: RuleIn) -> Status[Any]:
    return Status(201, rule_create(actor=request.user, data=RuleInput(**payload.dict())))


@router.post("/rules/retire", response=writes(200, RuleOut), summary="Retire a rule")
def rule_retire_op(request: HttpRequest, payload: RuleRef) -> Any:
    rule = selectors.rule_get(user=request.user, pk=payload.rule)
    return rule_retire(actor=request.user, rule=rule, reason=payload.reason)


@router.post(
    "/rules/backtests",
    response=writes(201, RuleBacktestRecordOut),
    summary="Back-test a saved rule over a past period and keep the result on record (the step before activation)",
)
def rule_backtest_record_op(request: HttpRequest, payload: RulePeriodIn) -> Status[Any]:
    rule = selectors.rule_get(user=request.user, pk=payload.rule)
    return Status(201, rule_backtest_record(actor=request.user, rule=rule, start=payload.start, end=payload.end))


@router.post(
    "/rules/activate",
    response=writes(200, RuleOut),
    summary="Put a draft rule in force; refused without a back-test on record",
)
def rule_activate_op(request: HttpRequest, payload: RuleActivateIn) -> Any:
    rule = selectors.rule_get(user=request.user, pk=payload.rule)
    return rule_activate(actor=request.user, rule=rule)


@router.post(
    "/rules/backtest",
    response=writes(200, BacktestOut),
    summary="What a condition would have selected over a past period, and how many were hits",
)
def rule_backtest_op(request: HttpRequest, payload: BacktestIn) -> Any:
    return rule_backtest(
        actor=request.user,
        condition=payload.condition,
        start=payload.start,
        end=payload.end,
        percentage=payload.percentage,
    ).as_dict()


@router.get("/watchlists", response=list[WatchListOut], summary="Watch lists (risk analysts)")
def watchlists(request: HttpRequest) -> Any:
    return list(selectors.watchlist_list(user=request.user)[:500])


@router.post("/watchlists", response=writes(200, WatchListOut), summary="Create or replace a watch list")
def watchlist_put(request: HttpRequest, payload: WatchListIn) -> Any:
    return watchlist_save(actor=request.user, **payload.dict())


@router.get("/models", response=list[ModelOut], summary="Trained models, newest first (risk analysts)")
def models(request: HttpRequest) -> Any:
    return list(selectors.model_list(user=request.user)[:100])


@router.post("/models/approve", response=writes(200, ModelOut), summary="Approve a trained model (not its trainer)")
def model_approve_op(request: HttpRequest, payload: ModelRef) -> Any:
    return model_approve(actor=request.user, model=selectors.model_get(user=request.user, version=payload.version))


@router.post(
    "/models/activate", response=writes(200, ModelOut), summary="Activate an approved model (its file is checked)"
)
def model_activate_op(request: HttpRequest, payload: ModelRef) -> Any:
    return model_activate(actor=request.user, model=selectors.model_get(user=request.user, version=payload.version))


@router.get(
    "/declarations/{number}/decisions",
    response={200: list[LaneDecisionOut], 404: ErrorOut},
    summary="A declaration's lane decisions with their reasons (customs staff, risk analysts)",
)
def declaration_decisions(request: HttpRequest, number: str) -> Any:
    return selectors.lane_decisions(user=request.user, number=number)


@router.get(
    "/selection",
    response={200: dict[str, dict[str, Any]], 403: ErrorOut},
    summary="Hit rates of the exploration slice against the model, rules, random selection and top-ups",
)
def selection(request: HttpRequest, since: date | None = None) -> Any:
    return selectors.selection_slices(user=request.user, since=since)
