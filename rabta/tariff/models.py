"""The integrated tariff: the HS nomenclature extended by national lines, with the duty rates and
regulatory measures attached to them, every one valid over a range of dates.

Validity is inclusive at both ends: ``valid_to`` is the last day a row applies, and NULL means
"until further notice". A rate or measure attached to a code applies to every code below it unless
a lower code has its own rate of the same duty (see ``rabta.tariff.selectors.tariff_in_force``).
Rows are never edited in place after they are in force: a change is a new row, and an end-dating
sets ``valid_to``, so the tariff of any past day can still be read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from rabta.core.models import TimeStampedModel
from rabta.tariff.choices import (
    Basis,
    ChangeKind,
    ChangeStatus,
    Direction,
    Duty,
    EnquiryStatus,
    Level,
    MeasureKind,
    Unit,
)


class ValidityQuerySet(models.QuerySet):
    def in_force(self, on: object) -> ValidityQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


def _dates_in_order(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name=f"{name}_dates_in_order"
    )


class Section(TimeStampedModel):
    """One of the 21 HS sections (Roman numerals), the top of the tree."""

    number = models.CharField(max_length=5, unique=True)
    position = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=300)
    title_ur = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TariffCode(TimeStampedModel):
    """A chapter, heading, subheading (HS) or national line (8 to 12 digits): digits only, the
    parent being the code one level up."""

    code = models.CharField(max_length=12, unique=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.PROTECT, related_name="codes")
    description = models.CharField(max_length=1000)
    description_ur = models.CharField(max_length=1000, blank=True)
    unit = models.CharField(
        max_length=8, choices=Unit.choices, blank=True, help_text=_("Supplementary unit; blank: net mass (kg) only.")
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    # The code and both descriptions folded by rabta.tariff.codes.text_fold, for search. On
    # PostgreSQL a trigram index serves it (migration 0002); see docs/tariff.md.
    search_text = models.TextField(editable=False, default="")

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            _dates_in_order("tariffcode"),
            models.CheckConstraint(condition=Q(level__in=[int(level) for level in Level]), name="tariffcode_level"),
            models.CheckConstraint(condition=Q(level=Length("code")), name="tariffcode_level_is_length"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"

    @property
    def display(self) -> str:
        from rabta.tariff.codes import code_display

        return code_display(self.code)


class DutyRate(TimeStampedModel):
    """One duty on one code over a range of dates: a percentage of value, or an amount per unit."""

    code = models.ForeignKey(TariffCode, on_delete=models.PROTECT, related_name="rates")
    duty = models.CharField(max_length=4, choices=Duty.choices)
    basis = models.CharField(max_length=12, choices=Basis.choices)
    percent = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, help_text=_("PKR per unit."))
    per_unit = models.CharField(max_length=8, choices=Unit.choices, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=300, blank=True, help_text=_("The Act, schedule or SRO."))

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["code__code", "duty", "valid_from"]
        constraints = [
            _dates_in_order("dutyrate"),
            models.CheckConstraint(
                condition=(Q(basis=Basis.AD_VALOREM, percent__isnull=False, amount__isnull=True))
                | (Q(basis=Basis.SPECIFIC, amount__isnull=False, percent__isnull=True) & ~Q(per_unit="")),
                name="dutyrate_basis_values",
            ),
            models.CheckConstraint(
                condition=(Q(percent__isnull=True) | Q(percent__gte=0)) & (Q(amount__isnull=True) | Q(amount__gte=0)),
                name="dutyrate_not_negative",
            ),
        ]
        # tariff_in_force: the rates of a few codes (a code and its ancestors) on one day.
        indexes = [models.Index(fields=["code", "duty", "valid_from"], name="dutyrate_code_duty_from")]

    @property
    def per_unit_label(self) -> str:
        from rabta.tariff.choices import PER_UNIT

        return str(PER_UNIT.get(Unit(self.per_unit), self.get_per_unit_display())) if self.per_unit else ""


class Measure(TimeStampedModel):
    """A regulatory measure of the import or export policy on a code and everything below it."""

    code = models.ForeignKey(TariffCode, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=12, choices=MeasureKind.choices)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    agency = models.CharField(max_length=200, blank=True)
    agency_ur = models.CharField(max_length=200, blank=True)
    # The document that lets the goods pass (its code, as declarations list them), if any.
    document = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    note_ur = models.CharField(max_length=1000, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=300, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["code__code", "direction", "kind", "valid_from"]
        constraints = [_dates_in_order("measure")]
        # tariff_check_batch: the measures of every prefix of a batch's codes.
        indexes = [models.Index(fields=["code", "direction", "valid_from"], name="measure_code_direction_from")]


class HsImport(TimeStampedModel):
    """One run of ``rabta tariff import-hs`` that changed something: the subject of its event."""

    source = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)


class TariffChange(TimeStampedModel):
    """A change to the tariff proposed by one person and approved or rejected by another. The
    proposal holds the validated input; approval applies it (checking it again, as the tariff may
    have moved since)."""

    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED)
    code = models.CharField(max_length=12, help_text=_("The code the change is about."))
    payload = models.JSONField(default=dict)
    reason = models.TextField(max_length=2000)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)
    # What the approval created or ended: "rate:12", "measure:4", "code:84713010".
    applied = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="tariffchange_status_created")]


class Enquiry(TimeStampedModel):
    """A trader's question to the enquiry point (WTO Trade Facilitation Agreement, Art. 1.3).
    Answered questions are public, without the asker's identity; an unanswered one is seen by its
    asker and the tariff officers only."""

    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code = models.ForeignKey(TariffCode, null=True, blank=True, on_delete=models.PROTECT, related_name="enquiries")
    question = models.TextField(max_length=4000)
    status = models.CharField(max_length=10, choices=EnquiryStatus.choices, default=EnquiryStatus.ASKED)
    due_at = models.DateTimeField(help_text=_("The published time by which the answer is owed."))
    answer = models.TextField(max_length=8000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # The public list (answered, newest first) and the officers' queue (asked, oldest due first).
        indexes = [models.Index(fields=["status", "due_at"], name="enquiry_status_due")]
