"""Accountability on both sides: the officers' ratings of closed complaints, the complainant
responsibility index they feed (with its appeal), and the audits of officers whose resolutions
complainants rejected.

The tables began in ``rabta.complaints`` and were moved here without losing a row (migrations
``complaints/0018`` and ``accountability/0001``-``0003``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from rabta.accountability.choices import AuditFinding, AuditReason, AuditStatus, Rating, StandingLevel
from rabta.accounts.roles import Role
from rabta.complaints.models import Complaint


def _oversees(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Role.OVERSIGHT in user.roles


class ResponsibilityRating(models.Model):
    """An officer's judgement of a closed complaint, feeding the complainant's responsibility index."""

    Rating = Rating

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="responsibility_rating")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=12, choices=Rating.choices)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.rating} on {self.complaint_id}"


class ComplainantStandingQuerySet(models.QuerySet["ComplainantStanding"]):
    def visible_to(self, user: Any) -> ComplainantStandingQuerySet:
        """Oversight sees the standing of complainants who lodged a complaint within its scope;
        nobody else sees anyone's (a complainant reads their own through their account)."""
        if not _oversees(user):
            return self.none()
        complainants = Complaint.objects.visible_to(user).exclude(complainant=None).values("complainant_id")
        return self.filter(user_id__in=complainants)


class ComplainantStanding(models.Model):
    """The complainant responsibility index, seen by oversight only. ``level`` moves with the score:
    warned, then throttled (a limit on new complaints), then suspended; each change notifies the
    complainant, who may appeal it."""

    Level = StandingLevel

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standing")
    score = models.FloatField(default=0)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.NORMAL)
    appeal_text = models.TextField(blank=True)
    appeal_open = models.BooleanField(default=False)
    appeal_granted = models.BooleanField(null=True, blank=True)  # the last appeal's decision
    appeal_reasons = models.TextField(blank=True)
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    # A granted appeal wipes the slate: ratings before this moment no longer count.
    score_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    objects = ComplainantStandingQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user_id}: {self.level} ({self.score:.1f})"


class OfficerAuditQuerySet(models.QuerySet["OfficerAudit"]):
    def visible_to(self, user: Any) -> OfficerAuditQuerySet:
        """The officer audits queued for oversight: those on complaints within its scope."""
        if not _oversees(user):
            return self.none()
        return self.filter(complaint__in=Complaint.objects.visible_to(user).values("pk"))


class OfficerAudit(models.Model):
    """A resolution the complainant rejected (reopen or appeal), queued for audit of the officer."""

    Status = AuditStatus
    Reason = AuditReason
    Finding = AuditFinding

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="officer_audits")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=40, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    finding = models.CharField(max_length=8, choices=Finding.choices, blank=True)
    notes = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficerAuditQuerySet.as_manager()

    def __str__(self) -> str:
        return f"audit {self.complaint_id} ({self.reason})"
