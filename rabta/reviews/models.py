"""Decision reviews: the formal review of an appealable decision (valuation, classification,
penalty). Not a service complaint: an applicant contests a decision an office made, with mandatory
reasons, before a reviewer senior to or independent of the decision maker, within its own deadline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rabta.reviews import choices

# The longest reasons an applicant or a reviewer may give: as long as a complaint's text.
REASONS_MAX_LENGTH = 5000


class DecisionReviewQuerySet(models.QuerySet["DecisionReview"]):
    def visible_to(self, user: Any) -> DecisionReviewQuerySet:
        """The same scope rules as complaints, on the office that made the decision: applicants see
        their own; officers their office's decisions; supervisors (and customs managers) their
        office and every office below; oversight the offices of their government. An assigned
        reviewer sees what they review, wherever they work. Anyone else: nothing."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        from rabta.accounts.roles import office_scope

        return self.filter(office_scope(user, "decision_office", Q(applicant=user) | Q(reviewer=user)))

    def overdue(self) -> DecisionReviewQuerySet:
        return self.filter(decided_at__isnull=True, due_at__lt=timezone.now())


class DecisionReview(models.Model):
    """A review of an appealable decision (valuation, classification, penalty), kept apart from
    complaints: reasons are mandatory, the reviewer must be senior to (higher BPS grade) or
    independent of (another office line) the decision maker, and it has its own deadline.

    ``reference`` (DR-XXXX-XXXX-C) is what applicants and the API use; the row id is sequential
    and would let anyone count or guess other people's reviews."""

    DecisionType = choices.DecisionType
    Result = choices.Result

    reference = models.CharField(max_length=16, unique=True, editable=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decision_reviews")
    decision_type = models.CharField(max_length=16, choices=DecisionType.choices)
    decision_reference = models.CharField(max_length=60)
    declaration_number = models.CharField(max_length=40, blank=True)
    decision_office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+")
    decision_maker_rank = models.PositiveSmallIntegerField()
    reasons = models.TextField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_post = models.ForeignKey(
        "directory.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    result = models.CharField(max_length=10, choices=Result.choices, blank=True)
    result_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionReviewQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.reference}: review of {self.decision_type} {self.decision_reference}"

    @property
    def status(self) -> str:
        """filed (no reviewer yet), assigned, or decided."""
        if self.decided_at is not None:
            return "decided"
        return "assigned" if self.reviewer_id else "filed"

    @property
    def is_overdue(self) -> bool:
        return self.decided_at is None and self.due_at is not None and self.due_at < timezone.now()
