"""Tariff API (/api/tariff/...). Reading the tariff is public (no login): search, one code with
the duties and measures in force on a day, and their history. Changes under review are for the
customs tariff policy officers; who may do what is decided by the services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from rabta.api.params import RowId
from rabta.api.schemas import ErrorOut
from rabta.core.errors import NotFound
from rabta.tariff import selectors
from rabta.tariff.choices import ChangeKind
from rabta.tariff.models import Enquiry, TariffChange, TariffCode
from rabta.tariff.services.changes import tariff_change_approve, tariff_change_propose, tariff_change_reject
from rabta.tariff.services.enquiries import enquiry_answer, enquiry_ask

router = Router(tags=["tariff"])
ENQUIRY_PAGE = 100


class CodeOut(Schema):
    code: str
    display: str = Field(description="As the Pakistan Customs Tariff prints it: 8471.3010")
    level: int = Field(
        description="Digits: 2 chapter, 4 heading, 6 HS subheading, 8 PCT line, 10 and 12 national splits"
    )
    description: str
    description_ur: str
    unit: str = Field(description="Supplementary unit of quantity; empty: net mass (kg) only")
    valid_from: date
    valid_to: date | None
    section: str | None = Field(None, alias="section.number")


class RateOut(Schema):
    duty: str = Field(
        description="cd customs duty, acd additional customs duty, rd regulatory duty, st sales tax, wht withholding tax"
    )
    basis: str = Field(description="ad_valorem (percent of value) or specific (amount in PKR per unit)")
    percent: Decimal | None
    amount: Decimal | None
    per_unit: str
    valid_from: date
    valid_to: date | None
    set_on: str = Field(..., alias="code.code", description="The code the rate is set on: this code or one above it")
    legal_basis: str


class MeasureOut(Schema):
    id: int
    kind: str = Field(description="prohibited, restricted (permit of another agency), quota, certificate")
    direction: str
    agency: str
    agency_ur: str
    document: str = Field(description="The document that lets the goods pass, as a declaration lists it")
    note: str
    note_ur: str
    valid_from: date
    valid_to: date | None
    set_on: str = Field(..., alias="code.code")


class CodeDetailOut(Schema):
    code: CodeOut
    on: date
    in_force: bool
    ancestors: list[CodeOut]
    children: list[CodeOut]
    rates: list[RateOut] = Field(description="One per duty: the rate of the most specific code that has one")
    measures: list[MeasureOut]


class HistoryOut(Schema):
    code: CodeOut
    rates: list[RateOut]
    measures: list[MeasureOut]


class ChangeIn(Schema):
    kind: ChangeKind
    reason: str
    data: dict[str, Any] = Field(
        description="code_add: code, description, description_ur, unit, valid_from, valid_to. "
        "rate_add: code, duty, basis, percent or amount and per_unit, valid_from, valid_to, legal_basis. "
        "measure_add: code, kind, direction, agency, agency_ur, document, note, note_ur, valid_from, valid_to. "
        "end: target (code, rate, measure), code or id, valid_to."
    )


class DecisionIn(Schema):
    note: str = ""


class ChangeOut(Schema):
    id: int
    kind: str
    status: str
    code: str
    payload: dict[str, Any]
    reason: str
    proposed_by: str = Field(..., alias="proposed_by.full_name")
    decided_by: str | None = Field(None, alias="decided_by.full_name")
    decided_at: datetime | None
    decision_note: str
    applied: str
    created_at: datetime


def _on(on: date | None) -> date:
    return on or timezone.localdate()


@router.get("/search", auth=None, response={200: list[CodeOut], 400: ErrorOut}, summary="Search the tariff")
def search(request: HttpRequest, q: str, on: date | None = None) -> list[TariffCode]:
    """Codes starting with ``q``'s digits (``8471.30``), or whose English or Urdu description holds
    every word of ``q`` (partial words too). With ``on``, only codes in force that day."""
    return selectors.tariff_search(q, on=on)


@router.get(
    "/codes/{code}",
    auth=None,
    response={200: CodeDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="One code with the duties and measures in force on a day",
)
def code_detail(request: HttpRequest, code: str, on: date | None = None) -> dict[str, Any]:
    found = selectors.tariff_in_force(code, on=_on(on))
    return {
        "code": found.code,
        "on": found.on,
        "in_force": found.in_force,
        "ancestors": found.ancestors,
        "children": selectors.code_children(found.code),
        "rates": found.rates,
        "measures": found.measures,
    }


@router.get(
    "/codes/{code}/history",
    auth=None,
    response={200: HistoryOut, 400: ErrorOut, 404: ErrorOut},
    summary="Every rate and measure that ever applied to a code",
)
def code_history(request: HttpRequest, code: str) -> dict[str, Any]:
    row = selectors.code_get(code)
    rates, measures = selectors.tariff_history(row)
    return {"code": row, "rates": rates, "measures": measures}


@router.get("/changes", response={200: list[ChangeOut]}, summary="Tariff changes under review (tariff officers)")
def changes(request: HttpRequest, status: str | None = None) -> list[TariffChange]:
    return list(selectors.change_list(user=request.user, status=status)[:200])


@router.post(
    "/changes",
    response={201: ChangeOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Propose a change to the tariff",
)
def change_propose(request: HttpRequest, payload: ChangeIn) -> Status[TariffChange]:
    change = tariff_change_propose(actor=request.user, kind=payload.kind, data=payload.data, reason=payload.reason)
    return Status(201, change)


def _change(request: HttpRequest, change_id: int) -> TariffChange:
    found = selectors.change_list(user=request.user).filter(pk=change_id).first()
    if found is None:
        raise NotFound("No such change.")
    return found


@router.get("/changes/{change_id}", response={200: ChangeOut, 404: ErrorOut}, summary="One proposed change")
def change_detail(request: HttpRequest, change_id: RowId) -> TariffChange:
    return _change(request, change_id)


@router.post(
    "/changes/{change_id}/approve",
    response={200: ChangeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Approve a change (not one's own): it applies at once",
)
def change_approve(request: HttpRequest, change_id: RowId, payload: DecisionIn) -> TariffChange:
    return tariff_change_approve(actor=request.user, change=_change(request, change_id), note=payload.note)


@router.post(
    "/changes/{change_id}/reject",
    response={200: ChangeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Reject a change, with the reason",
)
def change_reject(request: HttpRequest, change_id: RowId, payload: DecisionIn) -> TariffChange:
    return tariff_change_reject(actor=request.user, change=_change(request, change_id), note=payload.note)


class EnquiryIn(Schema):
    question: str
    code: str = Field("", description="The tariff code the question is about, if any")


class AnswerIn(Schema):
    answer: str


class EnquiryOut(Schema):
    """The asker is never shown: answered questions are public."""

    id: int
    code: str | None = Field(None, alias="code.code")
    question: str
    status: str
    asked_at: datetime = Field(..., alias="created_at")
    due_at: datetime = Field(description="The published time by which the answer is owed")
    answer: str
    answered_at: datetime | None


@router.get("/enquiries", auth=None, response={200: list[EnquiryOut]}, summary="The enquiry point's questions")
def enquiries(request: HttpRequest) -> list[Enquiry]:
    """Answered questions, newest first (and, signed in, your own unanswered ones)."""
    return list(selectors.enquiry_list(user=request.user)[:ENQUIRY_PAGE])


@router.post(
    "/enquiries",
    response={201: EnquiryOut, 400: ErrorOut},
    summary="Ask the enquiry point (answered within the published time)",
)
def enquiry_create(request: HttpRequest, payload: EnquiryIn) -> Status[Enquiry]:
    return Status(201, enquiry_ask(actor=request.user, question=payload.question, code=payload.code))


def _enquiry(request: HttpRequest, enquiry_id: int) -> Enquiry:
    found = selectors.enquiry_list(user=request.user).filter(pk=enquiry_id).first()
    if found is None:
        raise NotFound("No such question.")
    return found


@router.get("/enquiries/{enquiry_id}", auth=None, response={200: EnquiryOut, 404: ErrorOut}, summary="One question")
def enquiry_detail(request: HttpRequest, enquiry_id: RowId) -> Enquiry:
    return _enquiry(request, enquiry_id)


@router.post(
    "/enquiries/{enquiry_id}/answer",
    response={200: EnquiryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Answer a question (tariff officers); it becomes public",
)
def enquiry_reply(request: HttpRequest, enquiry_id: RowId, payload: AnswerIn) -> Enquiry:
    return enquiry_answer(actor=request.user, enquiry=_enquiry(request, enquiry_id), answer=payload.answer)
