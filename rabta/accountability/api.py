"""Accountability on both sides: the complainant responsibility index (an office's rating of a closed
complaint; a complainant's own standing and its appeal; oversight's view and decisions) and the
audit queue of officers whose resolutions complainants rejected.

Two routers: :data:`router` under ``/api/accountability``, and :data:`complaint_router`, mounted
under ``/api/complaints`` beside the complaints router, for the rating, which is a move on one
complaint and keeps the path clients know (``/api/complaints/{tracking_number}/responsibility-rating``).

Oversight sees standings by a number, never by name or contact: a standing may belong to someone
whose identity is hidden from offices, and identities are revealed only through the audited reveal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from rabta.accountability import selectors, services
from rabta.accountability.choices import ActionKind, ActionStatus, AuditFinding, Rating, StandingLevel
from rabta.accountability.models import AccountabilityAction, ComplainantStanding, OfficerAudit
from rabta.accountability.selectors import ActionFilters
from rabta.api.params import RowId
from rabta.api.schemas import ErrorOut, EventOut
from rabta.complaints.selectors import complaint_get

router = Router(tags=["accountability"])
complaint_router = Router(tags=["complaints"])


class RatingIn(Schema):
    rating: Rating


class RatingOut(Schema):
    tracking_number: str
    rating: str


class MyStandingOut(Schema):
    level: str = Field(description="normal, warned, throttled (one new complaint a day) or suspended")
    appeal_open: bool
    appeal_text: str
    appeal_granted: bool | None
    appeal_reasons: str
    appeal_decided_at: datetime | None


class AppealIn(Schema):
    text: str


class RatedOut(Schema):
    tracking_number: str
    rating: str
    rated_at: datetime


class StandingOut(Schema):
    complainant: int = Field(description="A number, not a name: identities are revealed only through the audit")
    score: float
    level: str
    appeal_open: bool
    appeal_text: str
    appeal_granted: bool | None
    appeal_reasons: str
    updated_at: datetime


class StandingDetailOut(StandingOut):
    ratings: list[RatedOut] = Field(description="The ratings of complaints within the reader's scope")
    ratings_elsewhere: int = Field(description="Ratings of complaints outside it: counted in the score, not listed")


class DecideIn(Schema):
    grant: bool
    reasons: str


class AuditOut(Schema):
    id: int
    tracking_number: str
    officer: str
    reason: str
    status: str
    finding: str
    notes: str
    created_at: datetime
    closed_at: datetime | None


class AuditCloseIn(Schema):
    finding: AuditFinding
    notes: str


@complaint_router.post(
    "/{tracking_number}/responsibility-rating",
    response={201: RatingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="The office judges a closed complaint (feeds the complainant responsibility index)",
)
def responsibility_rating(request: HttpRequest, tracking_number: str, payload: RatingIn) -> Status[RatingOut]:
    complaint = complaint_get(user=request.user, tracking_number=tracking_number)
    rated = services.complaint_rate_responsibility(complaint=complaint, actor=request.user, rating=payload.rating)
    return Status(201, RatingOut(tracking_number=complaint.tracking_number, rating=rated.rating))


def _mine(standing: ComplainantStanding | None) -> MyStandingOut:
    if standing is None:
        return MyStandingOut(
            level=StandingLevel.NORMAL,
            appeal_open=False,
            appeal_text="",
            appeal_granted=None,
            appeal_reasons="",
            appeal_decided_at=None,
        )
    return MyStandingOut(
        level=standing.level,
        appeal_open=standing.appeal_open,
        appeal_text=standing.appeal_text,
        appeal_granted=standing.appeal_granted,
        appeal_reasons=standing.appeal_reasons,
        appeal_decided_at=standing.appeal_decided_at,
    )


def _standing(standing: ComplainantStanding, schema: type[StandingOut] = StandingOut, **extra: Any) -> StandingOut:
    return schema(
        complainant=standing.user_id,
        score=standing.score,
        level=standing.level,
        appeal_open=standing.appeal_open,
        appeal_text=standing.appeal_text,
        appeal_granted=standing.appeal_granted,
        appeal_reasons=standing.appeal_reasons,
        updated_at=standing.updated_at,
        **extra,
    )


@router.get("/standing/me", response=MyStandingOut, summary="My standing: any warning or limit, and my appeal")
def my_standing(request: HttpRequest) -> MyStandingOut:
    return _mine(selectors.standing_mine(user=request.user))


@router.post(
    "/standing/me/appeal",
    response={200: MyStandingOut, 400: ErrorOut, 409: ErrorOut},
    summary="Appeal a warning, throttle or suspension",
)
def my_standing_appeal(request: HttpRequest, payload: AppealIn) -> MyStandingOut:
    return _mine(services.standing_appeal_file(user=request.user, text=payload.text))


@router.get(
    "/standing",
    response={200: list[StandingOut], 403: ErrorOut},
    summary="Oversight: complainants with a warning or limit, or an appeal waiting",
)
def standing_list(request: HttpRequest, appeal_open: bool | None = None, level: str | None = None) -> list[StandingOut]:
    rows = selectors.standing_list(user=request.user, appeal_open=appeal_open, level=level)
    return [_standing(row) for row in rows]


@router.get(
    "/standing/{complainant}",
    response={200: StandingDetailOut, 404: ErrorOut},
    summary="Oversight: one complainant's standing and the ratings behind it",
)
def standing_detail(request: HttpRequest, complainant: RowId) -> StandingOut:
    standing = selectors.standing_get(user=request.user, complainant_id=complainant)
    ratings, elsewhere = selectors.standing_ratings(user=request.user, complainant_id=complainant)
    listed = [
        RatedOut(tracking_number=r.complaint.tracking_number, rating=r.rating, rated_at=r.created_at) for r in ratings
    ]
    return _standing(standing, StandingDetailOut, ratings=listed, ratings_elsewhere=elsewhere)


@router.post(
    "/standing/{complainant}/decide",
    response={200: StandingOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Oversight: grant or refuse a complainant's appeal, with reasons",
)
def standing_decide(request: HttpRequest, complainant: RowId, payload: DecideIn) -> StandingOut:
    standing = selectors.standing_get(user=request.user, complainant_id=complainant)
    decided = services.standing_appeal_decide(
        standing=standing, actor=request.user, grant=payload.grant, reasons=payload.reasons
    )
    return _standing(decided)


def _audit(audit: OfficerAudit) -> AuditOut:
    return AuditOut(
        id=audit.pk,
        tracking_number=audit.complaint.tracking_number,
        officer=audit.officer.full_name if audit.officer else "",
        reason=audit.reason,
        status=audit.status,
        finding=audit.finding,
        notes=audit.notes,
        created_at=audit.created_at,
        closed_at=audit.closed_at,
    )


@router.get(
    "/audits",
    response={200: list[AuditOut], 403: ErrorOut},
    summary="Oversight: resolutions complainants rejected, queued for audit of the officer",
)
def audit_list(request: HttpRequest, status: str = OfficerAudit.Status.OPEN) -> list[AuditOut]:
    return [_audit(row) for row in selectors.audit_list(user=request.user, status=status)]


@router.post(
    "/audits/{audit_id}/close",
    response={200: AuditOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Oversight: close an audit with its finding",
)
def audit_close(request: HttpRequest, audit_id: RowId, payload: AuditCloseIn) -> AuditOut:
    audit = selectors.audit_get(user=request.user, audit_id=audit_id)
    closed = services.officer_audit_close(audit=audit, actor=request.user, finding=payload.finding, notes=payload.notes)
    return _audit(selectors.audit_get(user=request.user, audit_id=closed.pk))


# Accountability actions (issue 11) ---------------------------------------------------------------


class ActionIn(Schema):
    kind: ActionKind
    office: str = Field(description="The office's code; an office outside your government reads as unknown")
    officer: RowId | None = Field(None, description="The account number of the officer named (None: the office)")
    authority: str = Field(description="Who took the action, e.g. the Chief Secretary")
    grounds: str
    taken_on: date
    reply_due: date | None = None
    complaints: list[str] = Field(default_factory=list, description="Tracking numbers of the complaints behind it")
    audits: list[RowId] = Field(default_factory=list, description="Numbers of the officer audits behind it")


class ActionOut(Schema):
    id: int
    kind: str
    status: str
    office: str = Field(description="The office's code")
    office_name: str
    officer: str = Field(description="The officer named, or empty for an action on the office")
    authority: str
    taken_on: date
    reply_due: date | None
    replied_on: date | None
    concluded_on: date | None


class ActionAuditOut(Schema):
    id: int
    tracking_number: str
    status: str
    finding: str


class ActionDetailOut(ActionOut):
    grounds: str
    reply: str
    outcome: str
    withdrawn_reason: str
    complaints: list[str] = Field(description="Tracking numbers only: evidence never names a complainant")
    audits: list[ActionAuditOut]
    timeline: list[EventOut]


class ActionReplyIn(Schema):
    reply: str
    replied_on: date


class ActionConcludeIn(Schema):
    outcome: str
    concluded_on: date


class ActionWithdrawIn(Schema):
    reason: str


def _action(action: AccountabilityAction, schema: type[ActionOut] = ActionOut, **extra: Any) -> ActionOut:
    return schema(
        id=action.pk,
        kind=action.kind,
        status=action.status,
        office=action.office.code,
        office_name=action.office.name,
        officer=action.officer.full_name if action.officer else "",
        authority=action.authority,
        taken_on=action.taken_on,
        reply_due=action.reply_due,
        replied_on=action.replied_on,
        concluded_on=action.concluded_on,
        **extra,
    )


def _action_detail(request: HttpRequest, action_id: int) -> ActionOut:
    detail = selectors.action_detail(user=request.user, action_id=action_id)
    action = detail.action
    return _action(
        action,
        ActionDetailOut,
        grounds=action.grounds,
        reply=action.reply,
        outcome=action.outcome,
        withdrawn_reason=action.withdrawn_reason,
        complaints=detail.complaints,
        audits=[
            ActionAuditOut(id=a.pk, tracking_number=a.complaint.tracking_number, status=a.status, finding=a.finding)
            for a in detail.audits
        ],
        timeline=[EventOut(**row) for row in detail.timeline],
    )


@router.get(
    "/actions",
    response={200: list[ActionOut], 400: ErrorOut},
    summary="Accountability actions you may see (oversight: its government's offices; an officer: on themself)",
)
def action_list(
    request: HttpRequest,
    kind: ActionKind | None = None,
    status: ActionStatus | None = None,
    office: str = "",
    officer: RowId | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[ActionOut]:
    filters = ActionFilters(
        kind=kind or "", status=status or "", office=office, officer=officer, since=since, until=until
    )
    return [_action(row) for row in selectors.action_list(user=request.user, filters=filters)]


@router.post(
    "/actions",
    response={201: ActionDetailOut, 400: ErrorOut, 403: ErrorOut},
    summary="Oversight: record an action on an office or an officer, with its evidence",
)
def action_create(request: HttpRequest, payload: ActionIn) -> Status[ActionOut]:
    action = services.action_record(
        actor=request.user,
        kind=payload.kind,
        office_code=payload.office,
        officer_id=payload.officer,
        authority=payload.authority,
        grounds=payload.grounds,
        taken_on=payload.taken_on,
        reply_due=payload.reply_due,
        complaint_numbers=payload.complaints,
        audit_ids=payload.audits,
    )
    return Status(201, _action_detail(request, action.pk))


@router.get(
    "/actions/{action_id}",
    response={200: ActionDetailOut, 404: ErrorOut},
    summary="One accountability action with its evidence and timeline",
)
def action_detail(request: HttpRequest, action_id: RowId) -> ActionOut:
    return _action_detail(request, action_id)


@router.post(
    "/actions/{action_id}/reply",
    response={200: ActionDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Oversight: record the reply to an action",
)
def action_reply(request: HttpRequest, action_id: RowId, payload: ActionReplyIn) -> ActionOut:
    action = selectors.action_get(user=request.user, action_id=action_id)
    services.action_reply_record(action=action, actor=request.user, reply=payload.reply, replied_on=payload.replied_on)
    return _action_detail(request, action_id)


@router.post(
    "/actions/{action_id}/conclude",
    response={200: ActionDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Oversight: conclude an action with its outcome",
)
def action_conclude(request: HttpRequest, action_id: RowId, payload: ActionConcludeIn) -> ActionOut:
    action = selectors.action_get(user=request.user, action_id=action_id)
    services.action_conclude(
        action=action, actor=request.user, outcome=payload.outcome, concluded_on=payload.concluded_on
    )
    return _action_detail(request, action_id)


@router.post(
    "/actions/{action_id}/withdraw",
    response={200: ActionDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Oversight: withdraw an action, with the reason",
)
def action_withdraw(request: HttpRequest, action_id: RowId, payload: ActionWithdrawIn) -> ActionOut:
    action = selectors.action_get(user=request.user, action_id=action_id)
    services.action_withdraw(action=action, actor=request.user, reason=payload.reason)
    return _action_detail(request, action_id)
