"""Enforcement incidents: one repository of the incident reports of every customs formation
(collectorates, directorates, anti-smuggling units), and the monthly trend roll-ups folded from the
approved ones.

A report is a draft its reporter edits, then submitted to a supervisor of the formation's line, who
approves it (never the reporter) or returns it with reasons. An approved report is immutable: a
correction is an :class:`IncidentAmendment` with its reasons, which records what it changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from rabta.accounts.roles import Role
from rabta.core.models import TimeStampedModel
from rabta.enforcement import choices


class IncidentQuerySet(models.QuerySet["Incident"]):
    def visible_to(self, user: Any) -> IncidentQuerySet:
        """Who knows of which report (anything else reads as missing, 404):

        * the reporter: their own, drafts included;
        * an enforcement officer: the submitted and approved reports of their own formation;
        * an enforcement supervisor: those of their formation and every formation below it;
        * a customs manager: the approved reports of their collectorates (their office and below);
        * a risk analyst: every approved report (risk profiles are national).
        Nobody else sees any."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        scope = Q(reported_by=user)
        filed = ~Q(review_status=choices.ReviewStatus.DRAFT)
        approved = Q(review_status=choices.ReviewStatus.APPROVED)
        for assignment in user.role_assignments.filter(active=True).select_related("office"):
            office = assignment.office
            if assignment.role == Role.ENFORCEMENT_OFFICER and office is not None:
                scope |= filed & Q(formation_id=office.pk)
            elif assignment.role == Role.ENFORCEMENT_SUPERVISOR and office is not None:
                scope |= filed & Q(formation__path__startswith=office.path)
            elif assignment.role == Role.CUSTOMS_MANAGER and office is not None:
                scope |= approved & Q(formation__path__startswith=office.path)
            elif assignment.role == Role.RISK_ANALYST:
                scope |= approved
        return self.filter(scope)


class Incident(TimeStampedModel):
    """One incident report. ``reference`` (EN-XXXX-XXXX-C) is what people and the API use."""

    Type = choices.IncidentType
    ReviewStatus = choices.ReviewStatus
    CaseStatus = choices.CaseStatus

    reference = models.CharField(max_length=16, unique=True, editable=False)
    formation = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField()
    incident_type = models.CharField(max_length=20, choices=choices.IncidentType.choices)
    modus_operandi = models.CharField(max_length=24, choices=choices.ModusOperandi.choices)
    description = models.TextField(max_length=5000)
    place = models.ForeignKey(
        "directory.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(max_length=200, blank=True, help_text="border crossing, port, road or place name")
    route = models.CharField(max_length=120, blank=True, help_text="the route or corridor, e.g. Chaman-Quetta")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    conveyance_kind = models.CharField(max_length=10, choices=choices.ConveyanceKind.choices, blank=True)
    conveyance_reference = models.CharField(max_length=60, blank=True, help_text="registration, vessel or container")
    review_status = models.CharField(
        max_length=10, choices=choices.ReviewStatus.choices, default=choices.ReviewStatus.DRAFT
    )
    case_status = models.CharField(
        max_length=20, choices=choices.CaseStatus.choices, default=choices.CaseStatus.REPORTED
    )
    case_outcome = models.CharField(max_length=14, choices=choices.CaseOutcome.choices, blank=True)
    fine_amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    total_value = models.DecimalField(max_digits=22, decimal_places=2, default=Decimal(0))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    declarations = models.ManyToManyField("customs.Declaration", blank=True, related_name="incidents")

    objects = IncidentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["formation", "review_status", "occurred_on"], name="enf_formation_idx"),
            models.Index(fields=["review_status", "occurred_on"], name="enf_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="enf_coordinates_both_or_none",
            ),
            models.CheckConstraint(
                condition=~Q(review_status=choices.ReviewStatus.APPROVED) | Q(approved_by__isnull=False),
                name="enf_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.incident_type} ({self.review_status})"


class IncidentGoods(models.Model):
    """A line of the goods an incident concerns, by tariff code."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="goods")
    line = models.PositiveSmallIntegerField()
    tariff_code = models.CharField(max_length=12)
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.CharField(max_length=3)
    value = models.DecimalField(max_digits=20, decimal_places=2, help_text="estimated value in PKR")
    origin_country = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "line"], name="enf_goods_line_unique")]

    def __str__(self) -> str:
        return f"{self.incident_id}/{self.line}: {self.tariff_code}"


class IncidentParty(models.Model):
    """A party an incident names: linked to the KYC registry (customs.Party) where known, else by
    name and country."""

    Role = choices.PartyRole

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=10, choices=choices.PartyRole.choices)
    party = models.ForeignKey("customs.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return f"{self.role}: {self.party_id or self.name}"


class IncidentAmendment(models.Model):
    """A correction of an approved report: what changed (``changes``: field → [before, after]), why,
    and who made it. Written once; the report keeps its corrected values and its history here."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="amendments")
    changes = models.JSONField()
    reason = models.TextField(max_length=2000)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.incident_id} amended {self.amended_at:%Y-%m-%d}"


class IncidentEvidence(models.Model):
    """A file of evidence on a report (a photo of the seizure, a scanned memo): cleaned at upload by
    the complaints' attachment machinery (type by content, metadata removed), stored under
    MEDIA_ROOT with a random name, served only as a download to whoever sees the report. Added to a
    draft by its reporter, or to an approved report as an amendment with reasons (``amendment``);
    never changed or removed once the report is approved."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    name = models.CharField(max_length=200, help_text="the uploaded name, cleaned, with the detected type's extension")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    location_kept = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    amendment = models.OneToOneField(
        IncidentAmendment, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.name}"


class TrendDimension(models.TextChoices):
    ALL = "all", "all"
    ROUTE = "route", "route"
    ORIGIN = "origin", "origin"
    CODE = "code", "code"
    MODUS = "modus", "modus operandi"
    TYPE = "type", "incident type"


class IncidentTrend(models.Model):
    """Approved incidents per formation, month and value of a dimension (route, origin country,
    HS heading (4 digits), modus operandi, type; ``all`` for the formation's total): folded in the approving transaction and
    adjusted by amendments, so the trends read a few hundred rows whatever the repository holds, and
    equal a rebuild from the incidents (``rabta enforcement trends-rebuild``)."""

    Dimension = TrendDimension

    formation_id = models.IntegerField()  # directory.Office; kept as a plain column, as roll-ups are
    month = models.DateField()
    dimension = models.CharField(max_length=10, choices=TrendDimension.choices)
    value = models.CharField(max_length=120)
    incidents = models.IntegerField(default=0)
    goods_value = models.DecimalField(max_digits=24, decimal_places=2, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "value", "month", "formation_id"], name="enf_trend_unique"),
        ]
        # What every trend question reads: one dimension, the nation (0) or the reader's formations, a
        # run of months; covering (on PostgreSQL), so the read never visits the table.
        indexes = [
            models.Index(
                fields=["dimension", "formation_id", "month"],
                include=["value", "incidents", "goods_value"],
                name="enf_trend_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.value}: {self.incidents}"
