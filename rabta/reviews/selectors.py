"""Reads of decision reviews. Every read starts from ``DecisionReview.objects.visible_to(user)``
(a single review: ``get_visible_or_404`` over :func:`decision_reviews`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from rabta.accounts.types import Actor
from rabta.core.events import event_rows
from rabta.core.models import Event
from rabta.reviews.models import DecisionReview
from rabta.reviews.permissions import review_read_as_staff

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200

# What a review's answer shows (rabta.reviews.api) and what deciding who may assign it reads (the
# decision office's government).
DECISION_REVIEW_RELATED = ("applicant", "decision_office__department", "reviewer", "reviewer_post__office")


def page_size(limit: int) -> int:
    """The rows a page holds when ``limit`` are asked for: 1 to PAGE_SIZE_MAX."""
    return max(1, min(limit, PAGE_SIZE_MAX))


def decision_reviews() -> QuerySet[DecisionReview]:
    """Reviews with what their answer reads; narrow it with ``visible_to`` (or ``get_visible_or_404``)."""
    return DecisionReview.objects.select_related(*DECISION_REVIEW_RELATED)


def decision_review_list(
    *,
    user: Actor,
    decision_type: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    limit: int = PAGE_SIZE,
) -> list[DecisionReview]:
    """The reviews the user may see, newest first. ``status`` is DecisionReview.status as a filter:
    decided, assigned (a reviewer, no decision yet) or filed (no reviewer yet)."""
    rows = DecisionReview.objects.visible_to(user)
    if decision_type:
        rows = rows.filter(decision_type=decision_type)
    if status == "decided":
        rows = rows.filter(decided_at__isnull=False)
    elif status == "assigned":
        rows = rows.filter(decided_at__isnull=True, reviewer__isnull=False)
    elif status == "filed":
        rows = rows.filter(reviewer__isnull=True)
    if overdue:
        rows = rows.overdue()
    elif overdue is False:
        rows = rows.exclude(decided_at__isnull=True, due_at__lt=timezone.now())
    rows = rows.select_related(*DECISION_REVIEW_RELATED).order_by("-created_at", "-id")
    return list(rows[: page_size(limit)])


def decision_review_timeline(*, user: Actor, review: DecisionReview) -> list[dict[str, Any]]:
    """A review's events as ``user`` (who sees the review) may read them: the applicant reads staff
    actions as "office"; staff read who acted."""
    staff = review_read_as_staff(user, review)

    def actor(event: Event) -> str:
        if event.actor_id is not None and event.actor_id == review.applicant_id:
            return "applicant"
        if event.actor is None:
            return "system"
        return event.actor.full_name if staff else "office"

    return event_rows(review, actor_label=actor)
