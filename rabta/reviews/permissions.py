"""Who may file, assign and decide a decision review: written once, called by the review services
(the API and the admin only fetch the review and call a service).

Reviews are worked in the API, where ``get_visible_or_404`` has already hidden what is outside the
reader's scope (404), and in the admin, whose own rules decide what it lists; so these rules are
about the action alone, and refuse with 403 ``not_allowed``. ``actor=None`` is the system itself
(a command, the demo), which the caller vouches for, as in ``rabta.accounts.permissions``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, cast

from django.db.models import Q
from django.utils.translation import gettext as _

from rabta.accounts.roles import Role, user_roles
from rabta.accounts.types import Actor
from rabta.core.errors import Forbidden
from rabta.reviews.errors import ReviewsError
from rabta.reviews.models import DecisionReview

if TYPE_CHECKING:
    from rabta.accounts.models import User


class ReviewAction(StrEnum):
    """What one may do to a decision review (filing has no review yet: :func:`may_file_review`)."""

    ASSIGN = "assign"
    DECIDE = "decide"


def not_allowed(message: str) -> Forbidden:
    return Forbidden(ReviewsError.NOT_ALLOWED, message)


def may_file_review(user: Actor) -> bool:
    """A review is the applicant's own case: filed from an account holding the complainant role
    (traders, clearing agents, citizens), never from a staff account without it."""
    return Role.COMPLAINANT in user_roles(user)


def review_read_as_staff(user: Actor, review: DecisionReview) -> bool:
    """Everyone who sees a review but the applicant reads it as staff: who the reviewer is and who
    acted. The applicant reads the reviewer's post and office (what makes them senior or
    independent) and "office" for the people."""
    return review.applicant_id != getattr(user, "pk", None)


def review_assignable_by(user: Actor, review: DecisionReview) -> bool:
    """A supervisor of the decision office's line (their office is the decision office or above
    it), or oversight of its government. Not the officers of the decision office, whose own
    decision is under review, and not the reviewer. (The admin assigns through
    ``decision_review_assign`` under its own rules: who may change a review there.)"""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    office = review.decision_office
    return bool(
        user.role_assignments.filter(
            Q(role=Role.SUPERVISOR, office_id__in=office.line_ids())
            | Q(role=Role.OVERSIGHT, government_id=office.department.government_id),
            active=True,
        ).exists()
    )


def review_decidable_by(user: Actor, review: DecisionReview) -> bool:
    """Only the assigned reviewer decides: not a superuser, not the one who assigned them."""
    return review.reviewer_id is not None and review.reviewer_id == getattr(user, "pk", None)


def require_review_file(user: Actor) -> User:
    """The account a review is filed from, once it may file one."""
    if not may_file_review(user):
        raise not_allowed(_("Reviews are filed from an applicant's account."))
    return cast("User", user)  # may_file_review holds only for a signed-in account


def require_review(actor: Actor, review: DecisionReview, action: ReviewAction | str) -> None:
    action = ReviewAction(action)
    if action == ReviewAction.ASSIGN and not review_assignable_by(actor, review):
        raise not_allowed(_("A supervisor of the decision office's line, or oversight, assigns the reviewer."))
    if action == ReviewAction.DECIDE and not review_decidable_by(actor, review):
        raise not_allowed(_("Only the assigned reviewer decides."))
