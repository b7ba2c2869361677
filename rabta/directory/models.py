"""The government directory: places, governments, departments, offices and their reporting lines."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from rabta.core.models import TimeStampedModel
from rabta.directory.choices import GovernmentLevel, JurisdictionKind, OfficeLevel


class Jurisdiction(TimeStampedModel):
    """A place a government serves: Pakistan > province or territory > division > district > tehsil."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    name_ur = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=12, choices=JurisdictionKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "name"], name="dir_jur_kind_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def localized_name(self, language: str) -> str:
        """The name in ``language`` where the directory has it (Urdu), else the English name."""
        return self.name_ur if language == "ur" and self.name_ur else self.name


class Government(TimeStampedModel):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=160)
    name_ur = models.CharField(max_length=160, blank=True)
    level = models.CharField(max_length=12, choices=GovernmentLevel.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="governments")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    name_ur = models.CharField(max_length=200, blank=True)
    is_customs = models.BooleanField(default=False, help_text=_("Customs department: its offices are collectorates."))

    class Meta:
        ordering = ["government__code", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.government.code})"


def office_path_ids(path: str) -> list[int]:
    """The office ids of a materialised path ("/12/340/5521/"), head office first, the office itself
    last: its reporting line upwards, read without a query. The one reader of the path's format."""
    return [int(part) for part in path.strip("/").split("/") if part]


def office_within(office: Office, ancestor: Office) -> bool:
    """Is ``office`` ``ancestor`` itself or an office below it (a prefix of the path)?"""
    return office.path.startswith(ancestor.path)


class OfficeQuerySet(models.QuerySet["Office"]):
    def subtree_of(self, office: Office) -> OfficeQuerySet:
        """The office and every office below it, by materialised path (one indexed range scan)."""
        return self.filter(path__startswith=office.path)

    def collectorates(self) -> OfficeQuerySet:
        return self.filter(level=OfficeLevel.COLLECTORATE)


class Office(TimeStampedModel):
    """An office that handles complaints. ``parent`` is the reporting line escalations climb.

    ``path`` is the chain of ids from the head office down ("/12/340/5521/"), kept by
    :func:`rabta.directory.services.office_create` and ``office_move`` so that "this office and
    everything below it" is one prefix query even with 10,000 offices.
    """

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="offices")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=240)
    name_ur = models.CharField(max_length=240, blank=True)
    level = models.CharField(max_length=14, choices=OfficeLevel.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="offices",
        help_text=_("The main place this office serves."),
    )
    serves = models.ManyToManyField(
        Jurisdiction, blank=True, related_name="served_by", help_text=_("Further places this office serves.")
    )
    path = models.CharField(max_length=255, blank=True, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    email = models.EmailField(blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["department", "level"], name="dir_office_dept_level_idx")]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        return office_path_ids(self.path)[:-1]

    def line_ids(self) -> list[int]:
        """This office's id and every office's above it: its reporting line, top first."""
        return office_path_ids(self.path)

    def reporting_line(self) -> list[Office]:
        """Offices above this one, nearest first."""
        ids = self.ancestor_ids()
        by_id: dict[Any, Office] = Office.objects.in_bulk(ids)
        return [by_id[i] for i in reversed(ids) if i in by_id]


class Post(TimeStampedModel):
    """An officer post in an office (e.g. Assistant Commissioner). Rank orders seniority for
    appeals and reviews, which must go to someone senior to the decision maker."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(max_length=160)
    title_ur = models.CharField(max_length=160, blank=True)
    rank = models.PositiveSmallIntegerField(help_text=_("Basic Pay Scale (BPS) grade, 1 to 22."))
    is_head = models.BooleanField(default=False)

    class Meta:
        ordering = ["office__code", "-rank", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rank__gte=1, rank__lte=22), name="dir_post_rank_bps_range"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.office.name}"
