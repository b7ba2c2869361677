"""Decision reviews: formal review of appealable customs (and other) decisions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import DecisionReview
from rabta.complaints.services.deadlines import add_business_days
from rabta.core.errors import DomainError
from rabta.core.events import event_record
from rabta.directory.models import Office, Post

REVIEW_DAYS = 30


@transaction.atomic
def decision_review_file(
    *,
    applicant: Any,
    decision_type: str,
    decision_reference: str,
    decision_office: Office,
    decision_maker_rank: int,
    reasons: str,
    declaration_number: str = "",
) -> DecisionReview:
    if decision_type not in DecisionReview.DecisionType.values:
        raise DomainError.for_field(
            "decision_type", "decision_type_unknown", _("Choose valuation, classification or penalty.")
        )
    if not (reasons or "").strip():
        raise DomainError.for_field("reasons", ComplaintsError.REASON_REQUIRED, _("Give the reasons for the review."))
    if not (decision_reference or "").strip():
        raise DomainError.for_field("decision_reference", "decision_reference_required", _("Name the decision."))
    if not 1 <= decision_maker_rank <= 22:
        raise DomainError.for_field("decision_maker_rank", "rank_out_of_range", _("A BPS grade is 1 to 22."))
    review = DecisionReview.objects.create(
        applicant=applicant,
        decision_type=decision_type,
        decision_reference=decision_reference.strip(),
        declaration_number=declaration_number.strip().upper(),
        decision_office=decision_office,
        decision_maker_rank=decision_maker_rank,
        reasons=reasons.strip(),
        due_at=add_business_days(timezone.now(), REVIEW_DAYS),
    )
    event_record(
        kind="complaints.decision_review_filed",
        subject=review,
        actor=applicant,
        data={"type": decision_type, "reference": review.decision_reference},
    )
    return review


def _independent(post: Post, decision_office: Office) -> bool:
    """Another line: neither office is above or below the other."""
    return not (post.office.path.startswith(decision_office.path) or decision_office.path.startswith(post.office.path))


@transaction.atomic
def decision_review_assign(*, review: DecisionReview, reviewer: Any, reviewer_post: Post, actor: Any) -> DecisionReview:
    review = DecisionReview.objects.select_for_update().select_related("decision_office").get(pk=review.pk)
    senior = reviewer_post.rank > review.decision_maker_rank
    if not senior and not _independent(reviewer_post, review.decision_office):
        raise DomainError.for_field(
            "reviewer",
            "review_reviewer_not_senior",
            _("The reviewer must be senior to, or independent of, the decision maker."),
        )
    review.reviewer, review.reviewer_post = reviewer, reviewer_post
    review.save(update_fields=["reviewer", "reviewer_post"])
    event_record(
        kind="complaints.decision_review_assigned",
        subject=review,
        actor=actor,
        data={"post": reviewer_post.pk, "rank": reviewer_post.rank},
    )
    return review


@transaction.atomic
def decision_review_decide(*, review: DecisionReview, actor: Any, result: str, reasons: str) -> DecisionReview:
    review = DecisionReview.objects.select_for_update().get(pk=review.pk)
    if review.reviewer_id != getattr(actor, "pk", None):
        raise DomainError(ComplaintsError.NOT_ALLOWED, _("Only the assigned reviewer decides."), status_code=403)
    if review.decided_at is not None:
        raise DomainError(ComplaintsError.TRANSITION_NOT_ALLOWED, _("This review is already decided."), status_code=409)
    if result not in DecisionReview.Result.values:
        raise DomainError.for_field("result", "review_result_unknown", _("Choose upheld, varied or set aside."))
    if not (reasons or "").strip():
        raise DomainError.for_field("reasons", ComplaintsError.REASON_REQUIRED, _("A decision must give its reasons."))
    review.result, review.result_reasons, review.decided_at = result, reasons.strip(), timezone.now()
    review.save(update_fields=["result", "result_reasons", "decided_at"])
    event_record(
        kind="complaints.decision_review_decided",
        subject=review,
        actor=actor,
        to_state=result,
        reason=review.result_reasons,
    )
    return review
