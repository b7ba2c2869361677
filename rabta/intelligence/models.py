"""Misuse signals: what the text of a complaint suggests about its complainant's conduct, for a
person to review. A signal is never a penalty by itself: only a reviewer's confirmation lets it
count in the complainant responsibility index, and only through the accountability service
(``rabta.accountability.services.standing_refresh``), which reads the confirmed signals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from rabta.accounts.roles import Role
from rabta.complaints.models import Complaint
from rabta.intelligence.choices import SignalKind, SignalStatus


class MisuseSignalQuerySet(models.QuerySet["MisuseSignal"]):
    def visible_to(self, user: Any) -> MisuseSignalQuerySet:
        """Oversight sees the signals of complaints within its scope; nobody else sees any."""
        if not (getattr(user, "is_authenticated", False) and Role.OVERSIGHT in user.roles):
            return self.none()
        return self.filter(complaint__in=Complaint.objects.visible_to(user).values("pk"))


class MisuseSignal(models.Model):
    Kind = SignalKind
    Status = SignalStatus

    kind = models.CharField(max_length=24, choices=SignalKind.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What was found, for the reviewer: the word-list entries matched (abusive), or the earlier
    # complaints' ids and their similarity (repeated). Never the complainant's identity.
    evidence = models.JSONField(default=dict, blank=True)
    score = models.FloatField(default=0)
    status = models.CharField(max_length=10, choices=SignalStatus.choices, default=SignalStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()

    objects = MisuseSignalQuerySet.as_manager()

    class Meta:
        constraints = [
            # One signal of a kind per complaint: the scan may run again over the same complaints.
            models.UniqueConstraint(fields=["kind", "complaint"], name="intelligence_signal_one_per_kind"),
        ]
        indexes = [
            # The review queue (open first, newest first) and the index's read of a user's confirmed ones.
            models.Index(fields=["status", "-created_at"], name="intelligence_signal_queue"),
            models.Index(fields=["complainant", "status"], name="intelligence_signal_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.complaint_id} ({self.status})"


class RecurringClusterQuerySet(models.QuerySet["RecurringCluster"]):
    def visible_to(self, user: Any) -> RecurringClusterQuerySet:
        """Oversight sees the clusters of the offices whose complaints it sees; nobody else any."""
        if not (getattr(user, "is_authenticated", False) and Role.OVERSIGHT in user.roles):
            return self.none()
        return self.filter(office__in=Complaint.objects.visible_to(user).values("current_office_id"))


class RecurringCluster(models.Model):
    """A cluster of similar complaints of one office, category and district, as the background job
    last found it (``rabta.intelligence.services.recurring_refresh``, from beat). Each run replaces
    the rows; the examples were scrubbed of every identifier before they were stored."""

    office = models.ForeignKey("directory.Office", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("directory.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    recent = models.PositiveIntegerField(default=0)
    previous = models.PositiveIntegerField(default=0)
    rising = models.BooleanField(default=False)
    terms = models.JSONField(default=list, blank=True)
    examples = models.JSONField(default=list, blank=True)
    days = models.PositiveSmallIntegerField(default=30)
    computed_at = models.DateTimeField()

    objects = RecurringClusterQuerySet.as_manager()

    class Meta:
        indexes = [
            # The oversight page: rising first, then the largest.
            models.Index(fields=["-rising", "-recent"], name="intelligence_cluster_order"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.category_id}/{self.district_id}: {self.recent}"
