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
from django.db.models import Q

from rabta.accountability.choices import (
    ActionKind,
    ActionStatus,
    AuditFinding,
    AuditReason,
    AuditStatus,
    Rating,
    StandingLevel,
)
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


def oversight_governments(user: Any) -> list[int]:
    """The governments ``user`` oversees (active oversight assignments), cached for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_rabta_oversees", None)
    if cached is None:
        cached = list(
            user.role_assignments.filter(active=True, role=Role.OVERSIGHT, government__isnull=False).values_list(
                "government_id", flat=True
            )
        )
        user._rabta_oversees = cached
    return list(cached)


class AccountabilityActionQuerySet(models.QuerySet["AccountabilityAction"]):
    def visible_to(self, user: Any) -> AccountabilityActionQuerySet:
        """Oversight sees the actions on offices of the governments it oversees; the officer named
        sees the actions on themself. Nobody else sees any (not the office's other staff, not the
        public: the scorecards publish counts only)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scope = Q(officer=user)
        governments = oversight_governments(user)
        if governments:
            scope |= Q(office__department__government_id__in=governments)
        return self.filter(scope)


class AccountabilityAction(models.Model):
    """An action oversight took on an office, or on one officer of it: an explanation sought,
    displeasure, a warning, a show-cause notice, a suspension or a commendation, with the evidence
    behind it (complaints, listed by tracking number only, and officer audits), the authority who
    took it, the reply and the outcome. Status moves open → replied → concluded, or withdrawn, by
    the services only (``choices.ACTION_TRANSITIONS``), each move an event."""

    Kind = ActionKind
    Status = ActionStatus

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+")
    # None: the action is on the office as a whole.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.CharField(max_length=200, help_text="Who took the action (e.g. the Chief Secretary)")
    grounds = models.TextField()
    taken_on = models.DateField()
    reply_due = models.DateField(null=True, blank=True)
    reply = models.TextField(blank=True)
    replied_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    complaints = models.ManyToManyField(Complaint, blank=True, related_name="+")
    audits = models.ManyToManyField(OfficerAudit, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountabilityActionQuerySet.as_manager()

    class Meta:
        indexes = [
            # An office's history (the scorecards office page, the list filtered by office): newest first.
            models.Index(fields=["office", "-taken_on"], name="acct_action_office_idx"),
            # The actions on one officer (their own page).
            models.Index(fields=["officer", "-taken_on"], name="acct_action_officer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_due__isnull=True) | Q(reply_due__gte=models.F("taken_on")),
                name="acct_action_reply_due_after_taken",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on office {self.office_id} ({self.status})"
