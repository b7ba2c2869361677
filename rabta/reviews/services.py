"""Decision reviews: filing, assigning the reviewer, deciding. Each write is one transaction with
its event (``ReviewsEvent``); who may act is asked of ``rabta.reviews.permissions`` first."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.roles import Role
from rabta.accounts.types import Actor
from rabta.complaints.services.deadlines import add_business_days
from rabta.core.errors import Conflict, DomainError
from rabta.core.events import event_record
from rabta.core.references import readable_reference_new
from rabta.core.textinput import text_clean
from rabta.directory.models import Office, Post
from rabta.notifications.services import notification_enqueue
from rabta.reviews.errors import ReviewsError
from rabta.reviews.events import ReviewsEvent
from rabta.reviews.models import REASONS_MAX_LENGTH, DecisionReview
from rabta.reviews.permissions import ReviewAction, require_review, require_review_file

if TYPE_CHECKING:
    from rabta.accounts.models import User

REVIEW_DAYS = 30  # business days from filing to the decision's due date
RANK_MIN, RANK_MAX = 1, 22  # the BPS grades
DECISION_REFERENCE_MAX_LENGTH = DecisionReview._meta.get_field("decision_reference").max_length or 60
DECLARATION_NUMBER_MAX_LENGTH = DecisionReview._meta.get_field("declaration_number").max_length or 40

# The applicant is told when their review is decided; the texts live in rabta/complaints/notices.py.
DECIDED_TEMPLATE = "decision_review_decided"


def review_reference_new() -> str:
    """DR-XXXX-XXXX-C, built like a complaint's tracking number (rabta.core.references)."""
    return readable_reference_new("DR")


def _already_decided() -> Conflict:
    return Conflict(ReviewsError.ALREADY_DECIDED, _("This review is already decided."))


@transaction.atomic
def decision_review_file(
    *,
    applicant: Actor,
    decision_type: str,
    decision_reference: str,
    decision_office: Office,
    decision_maker_rank: int,
    reasons: str,
    declaration_number: str = "",
) -> DecisionReview:
    account = require_review_file(applicant)
    if decision_type not in DecisionReview.DecisionType.values:
        raise DomainError.for_field(
            "decision_type", ReviewsError.DECISION_TYPE_UNKNOWN, _("Choose valuation, classification or penalty.")
        )
    if not (reasons or "").strip():
        raise DomainError.for_field("reasons", ReviewsError.REASON_REQUIRED, _("Give the reasons for the review."))
    if len(reasons.strip()) > REASONS_MAX_LENGTH:
        raise DomainError.for_field("reasons", ReviewsError.TEXT_TOO_LONG, _("The reasons are too long."))
    if not (decision_reference or "").strip():
        raise DomainError.for_field(
            "decision_reference", ReviewsError.DECISION_REFERENCE_REQUIRED, _("Name the decision.")
        )
    if len(decision_reference.strip()) > DECISION_REFERENCE_MAX_LENGTH:
        raise DomainError.for_field(
            "decision_reference", ReviewsError.DECISION_REFERENCE_TOO_LONG, _("The decision's reference is too long.")
        )
    if len((declaration_number or "").strip()) > DECLARATION_NUMBER_MAX_LENGTH:
        raise DomainError.for_field(
            "declaration_number", ReviewsError.DECLARATION_NUMBER_TOO_LONG, _("The declaration number is too long.")
        )
    if not RANK_MIN <= decision_maker_rank <= RANK_MAX:
        raise DomainError.for_field("decision_maker_rank", ReviewsError.RANK_OUT_OF_RANGE, _("A BPS grade is 1 to 22."))
    # The lengths are checked above with this service's own codes; this refuses control characters.
    reasons = text_clean(reasons, model=DecisionReview, name="reasons")
    decision_reference = text_clean(decision_reference, model=DecisionReview, name="decision_reference")
    declaration_number = text_clean(declaration_number, model=DecisionReview, name="declaration_number")
    review = DecisionReview.objects.create(
        reference=review_reference_new(),
        applicant=account,
        decision_type=decision_type,
        decision_reference=decision_reference.strip(),
        declaration_number=(declaration_number or "").strip().upper(),
        decision_office=decision_office,
        decision_maker_rank=decision_maker_rank,
        reasons=reasons.strip(),
        due_at=add_business_days(timezone.now(), REVIEW_DAYS),
    )
    event_record(
        kind=ReviewsEvent.FILED,
        subject=review,
        actor=applicant,
        data={"type": decision_type, "reference": review.decision_reference},
    )
    return review


def decision_review_file_at(*, applicant: Actor, decision_office_code: str, **fields: Any) -> DecisionReview:
    """File a review of a decision made by the office with this code. Who may file is asked before
    the office is looked for, so a refused caller learns nothing about the directory."""
    require_review_file(applicant)
    # Inactive offices too: a decision stays reviewable after its office is merged or closed.
    office = Office.objects.filter(code=decision_office_code.strip()).first()
    if office is None:
        raise DomainError.for_field("decision_office", ReviewsError.OFFICE_UNKNOWN, _("There is no such office."))
    return decision_review_file(applicant=applicant, decision_office=office, **fields)


def reviewer_named(identifier: str, post: Post) -> User:
    """The named user (by email address or id), if they are an officer or supervisor of the post's
    office. One answer for "no such user" and "not there", so that the form does not tell who has an
    account."""
    identifier = identifier.strip()
    if "@" in identifier:
        who = Q(email__iexact=identifier)
    elif re.fullmatch(r"[0-9]{1,18}", identifier):  # isdigit() takes "²", which int() refuses
        who = Q(pk=int(identifier))
    else:
        who = Q(pk=None)
    reviewer = reviewer_candidates(post).filter(who).first()
    if reviewer is None:
        raise DomainError.for_field(
            "reviewer",
            ReviewsError.REVIEWER_UNKNOWN,
            _("No officer of the post's office has that email address or id."),
        )
    return reviewer


def decision_review_assign_named(
    *, review: DecisionReview, reviewer_identifier: str, post_id: int, actor: Actor
) -> DecisionReview:
    """Assign the reviewer named in a request. Who may assign is asked before the post and the
    reviewer are looked for: a refused caller learns nothing about posts or accounts."""
    require_review(actor, review, ReviewAction.ASSIGN)
    post = Post.objects.select_related("office").filter(pk=post_id, office__is_active=True).first()
    if post is None:
        raise DomainError.for_field("post", ReviewsError.POST_UNKNOWN, _("There is no such post."))
    reviewer = reviewer_named(reviewer_identifier, post)
    return decision_review_assign(review=review, reviewer=reviewer, reviewer_post=post, actor=actor)


def reviewer_candidates(post: Post) -> QuerySet[User]:
    """Who may review from this post: the active officers and supervisors of its office. The post's
    grade and office are what make a reviewer senior or independent, so the reviewer must work there."""

    users: QuerySet[User] = get_user_model().objects.all()
    return users.filter(
        is_active=True,
        role_assignments__active=True,
        role_assignments__role__in=[Role.OFFICER, Role.SUPERVISOR],
        role_assignments__office_id=post.office_id,
    ).distinct()


def _independent(post: Post, decision_office: Office) -> bool:
    """Another line: neither office is above or below the other."""
    return not (post.office.path.startswith(decision_office.path) or decision_office.path.startswith(post.office.path))


@transaction.atomic
def decision_review_assign(
    *, review: DecisionReview, reviewer: User, reviewer_post: Post, actor: Actor
) -> DecisionReview:
    """Give the review to a reviewer, or to another one while it is undecided (a reviewer on leave).
    The reviewer's post must be senior to the decision maker's grade or in another office line.
    Who may assign is the caller's to ask (:func:`decision_review_assign_named`, the admin's rules)."""
    review = DecisionReview.objects.select_for_update().select_related("decision_office").get(pk=review.pk)
    if review.decided_at is not None:
        raise _already_decided()
    if reviewer.pk == review.applicant_id:
        raise DomainError.for_field(
            "reviewer", ReviewsError.REVIEWER_IS_APPLICANT, _("The applicant cannot review their own case.")
        )
    senior = reviewer_post.rank > review.decision_maker_rank
    if not senior and not _independent(reviewer_post, review.decision_office):
        raise DomainError.for_field(
            "reviewer",
            ReviewsError.REVIEWER_NOT_SENIOR,
            _("The reviewer must be senior to, or independent of, the decision maker."),
        )
    previous = review.reviewer_id
    review.reviewer, review.reviewer_post = reviewer, reviewer_post
    review.save(update_fields=["reviewer", "reviewer_post"])
    event_record(
        kind=ReviewsEvent.ASSIGNED,
        subject=review,
        actor=actor,
        from_state="assigned" if previous else "filed",
        to_state="assigned",
        data={"post": reviewer_post.pk, "rank": reviewer_post.rank, "reassigned": previous is not None},
    )
    return review


@transaction.atomic
def decision_review_decide(*, review: DecisionReview, actor: Actor, result: str, reasons: str) -> DecisionReview:
    review = DecisionReview.objects.select_for_update().select_related("applicant").get(pk=review.pk)
    require_review(actor, review, ReviewAction.DECIDE)
    if review.decided_at is not None:
        raise _already_decided()
    if result not in DecisionReview.Result.values:
        raise DomainError.for_field("result", ReviewsError.RESULT_UNKNOWN, _("Choose upheld, varied or set aside."))
    if not (reasons or "").strip():
        raise DomainError.for_field("reasons", ReviewsError.REASON_REQUIRED, _("A decision must give its reasons."))
    if len(reasons.strip()) > REASONS_MAX_LENGTH:
        raise DomainError.for_field("reasons", ReviewsError.TEXT_TOO_LONG, _("The reasons are too long."))
    reasons = text_clean(reasons, model=DecisionReview, name="result_reasons", field="reasons")
    review.result, review.result_reasons, review.decided_at = result, reasons, timezone.now()
    review.save(update_fields=["result", "result_reasons", "decided_at"])
    event_record(
        kind=ReviewsEvent.DECIDED,
        subject=review,
        actor=actor,
        from_state="assigned",
        to_state=result,
        reason=review.result_reasons,
    )
    _notify_decided(review)
    return review


def _notify_decided(review: DecisionReview) -> None:
    context = {
        "reference": review.reference,
        "decision": review.decision_reference,
        # Lazy: rendered in the applicant's language when the outbox row is written.
        "result": DecisionReview.Result(review.result).label,
    }
    notification_enqueue(user=review.applicant, template=DECIDED_TEMPLATE, context=context)
