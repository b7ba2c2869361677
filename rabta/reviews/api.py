"""Decision reviews API (/api/reviews): file, assign, decide, read. Visibility first, outside
scope is 404; a visible review that the caller may not act on is 403.

Who may do what (least privilege; the rules live in ``rabta.reviews.permissions``, which the
review services call):

* file: a signed-in user holding the complainant role (traders, clearing agents, citizens). Staff
  accounts without it may not: a review is the applicant's own case.
* read (list, detail, timeline): ``DecisionReview.objects.visible_to`` — the applicant, the
  officers of the decision office, supervisors (and customs managers) over it, oversight of its
  government, and the assigned reviewer.
* assign: a supervisor of the decision office's line (their office is the decision office or
  above it) or oversight of its government. Not the officers of the decision office, whose own
  decision is under review, and not the reviewer. The reviewer must be an officer or supervisor
  of the post's office (the post is what makes them senior or independent), and never the applicant.
* decide: only the assigned reviewer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from rabta.api.params import Int64, RowId
from rabta.api.schemas import ErrorOut, EventOut
from rabta.core.permissions import get_visible_or_404
from rabta.reviews import permissions, selectors, services
from rabta.reviews.choices import DecisionType, Result
from rabta.reviews.models import DecisionReview

router = Router(tags=["decision reviews"])


class ReviewFileIn(Schema):
    decision_type: DecisionType
    decision_reference: str = Field(description="the reference of the decision under review")
    decision_office: str = Field(description="code of the office that made the decision")
    decision_maker_rank: Int64 = Field(description="BPS grade (1 to 22) of the officer who decided")
    reasons: str = Field("", description="why the decision is wrong; mandatory")
    declaration_number: str = ""


class ReviewOut(Schema):
    """``applicant_name`` and ``reviewer_name`` are shown to staff; the applicant sees the reviewer's
    post and office, which is what makes the reviewer senior or independent."""

    reference: str
    status: str = Field(description="filed, assigned or decided")
    decision_type: str
    decision_reference: str
    declaration_number: str
    decision_office: str
    decision_office_name: str
    decision_maker_rank: int
    reasons: str
    applicant_name: str | None
    reviewer_name: str | None
    reviewer_post: str | None
    reviewer_office: str | None
    reviewer_rank: int | None
    due_at: datetime
    overdue: bool = Field(description="past its due date and still undecided")
    result: str
    result_reasons: str
    decided_at: datetime | None
    created_at: datetime


class AssignIn(Schema):
    reviewer: str = Field(description="the reviewer's email address or user id")
    post: RowId = Field(description="id of the reviewer's post, in an office where they work")


class ReviewDecideIn(Schema):
    result: Result
    reasons: str = Field("", description="mandatory")


def _out(user: Any, review: DecisionReview) -> ReviewOut:
    staff = permissions.review_read_as_staff(user, review)
    post = review.reviewer_post
    return ReviewOut(
        reference=review.reference,
        status=review.status,
        decision_type=review.decision_type,
        decision_reference=review.decision_reference,
        declaration_number=review.declaration_number,
        decision_office=review.decision_office.code,
        decision_office_name=review.decision_office.name,
        decision_maker_rank=review.decision_maker_rank,
        reasons=review.reasons,
        applicant_name=review.applicant.full_name,
        reviewer_name=review.reviewer.full_name if staff and review.reviewer else None,
        reviewer_post=post.title if post else None,
        reviewer_office=post.office.name if post else None,
        reviewer_rank=post.rank if post else None,
        due_at=review.due_at,
        overdue=review.is_overdue,
        result=review.result,
        result_reasons=review.result_reasons,
        decided_at=review.decided_at,
        created_at=review.created_at,
    )


def _get(request: HttpRequest, reference: str) -> DecisionReview:
    return get_visible_or_404(selectors.decision_reviews(), request.user, reference=reference.upper())


@router.post(
    "",
    response={201: ReviewOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="File a review of an appealable decision (valuation, classification, penalty)",
)
def review_file(request: HttpRequest, payload: ReviewFileIn) -> Status[ReviewOut]:
    user: Any = request.user
    review = services.decision_review_file_at(
        applicant=user,
        decision_office_code=payload.decision_office,
        decision_type=payload.decision_type,
        decision_reference=payload.decision_reference,
        decision_maker_rank=payload.decision_maker_rank,
        reasons=payload.reasons,
        declaration_number=payload.declaration_number,
    )
    return Status(201, _out(user, selectors.decision_reviews().get(pk=review.pk)))


@router.get("", response=list[ReviewOut], summary="Reviews I may see, newest first")
def review_list(
    request: HttpRequest,
    decision_type: DecisionType | None = None,
    status: Literal["filed", "assigned", "decided"] | None = None,
    overdue: bool | None = None,
    limit: Int64 = selectors.PAGE_SIZE,
) -> list[ReviewOut]:
    rows = selectors.decision_review_list(
        user=request.user, decision_type=decision_type, status=status, overdue=overdue, limit=limit
    )
    return [_out(request.user, review) for review in rows]


@router.get("/{reference}", response={200: ReviewOut, 404: ErrorOut}, summary="One review")
def review_detail(request: HttpRequest, reference: str) -> ReviewOut:
    return _out(request.user, _get(request, reference))


@router.get("/{reference}/timeline", response={200: list[EventOut], 404: ErrorOut}, summary="A review's events")
def review_timeline(request: HttpRequest, reference: str) -> list[dict[str, Any]]:
    """The applicant sees staff actions as "office"; staff see who acted."""
    return selectors.decision_review_timeline(user=request.user, review=_get(request, reference))


ACTION = {200: ReviewOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/{reference}/assign", response=ACTION, summary="Assign (or reassign) the reviewer")
def review_assign(request: HttpRequest, reference: str, payload: AssignIn) -> ReviewOut:
    review = _get(request, reference)
    services.decision_review_assign_named(
        review=review, reviewer_identifier=payload.reviewer, post_id=payload.post, actor=request.user
    )
    return _out(request.user, selectors.decision_reviews().get(pk=review.pk))


@router.post("/{reference}/decide", response=ACTION, summary="Decide the review (the assigned reviewer only)")
def review_decide(request: HttpRequest, reference: str, payload: ReviewDecideIn) -> ReviewOut:
    review = _get(request, reference)
    services.decision_review_decide(review=review, actor=request.user, result=payload.result, reasons=payload.reasons)
    return _out(request.user, selectors.decision_reviews().get(pk=review.pk))
