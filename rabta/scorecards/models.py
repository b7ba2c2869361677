"""The scorecards' own tables: roll-ups folded from complaint events, and what the fold needs.

Everything here is derived from ``core.Event`` rows and can be thrown away and rebuilt
(``rollup_rebuild``). The scorecards write no other domain's tables.
"""

from __future__ import annotations

from django.db import models

from rabta.accountability.choices import ActionKind
from rabta.scorecards.choices import ComplainantGroup, Level

# Days from receipt to resolution, in fixed buckets: (column, lowest day, highest day or None).
# Medians and 90th percentiles are read from the sums of these columns (``selectors.histogram_quantile``).
DAY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("days_0_1", 0, 1),
    ("days_2_3", 2, 3),
    ("days_4_7", 4, 7),
    ("days_8_15", 8, 15),
    ("days_16_30", 16, 30),
    ("days_31_60", 31, 60),
    ("days_61_90", 61, 90),
    ("days_over_90", 91, None),
)

# The counters of a roll-up row, in the order the fold and the tests read them.
COUNTERS: tuple[str, ...] = (
    "received",
    "resolved",
    "rejected",
    "reopened",
    "appealed",
    "escalated",
    "transferred",
    "feedback_rated",
    "feedback_satisfied",
    "resolved_with_deadline",
    "resolved_within_deadline",
    *(name for name, _, _ in DAY_BUCKETS),
    "appeals_decided",
    "appeals_upheld",
    "closed_unconfirmed",
)


class FoldCursor(models.Model):
    """One row: the id of the last ``core.Event`` folded into the roll-ups. A fold claims the events
    after it with a conditional UPDATE, so two workers never fold the same batch."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"folded up to event {self.last_event_id}"


class ComplaintTrack(models.Model):
    """What the fold knows of one complaint, learnt from its events only (never from the complaint
    row, which changes after the events): where it is now, its category, and when it was received.
    A resolution counts for the office that held the complaint when it was resolved."""

    complaint_id = models.BigIntegerField(primary_key=True)
    office = models.ForeignKey(
        "directory.Office", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "complaints.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    received_at = models.DateTimeField()
    # Read once, at submission, from the complaint's intake (they never change afterwards): the
    # place it is about and its complainant groups (bits of choices.GROUP_BITS).
    place_id = models.BigIntegerField(null=True, blank=True)
    groups = models.PositiveIntegerField(default=0)
    # Waiting for the office: from routing until it is resolved or rejected, and again when it is
    # reopened (by the complainant or on appeal). The backlog by age counts these.
    pending = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The backlog by age of any unit: WHERE pending AND office_id IN (...) AND received_at < ...
            models.Index(
                fields=["office", "received_at"], condition=models.Q(pending=True), name="scorecards_track_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"complaint {self.complaint_id}"


class RollupCounters(models.Model):
    """The counters every roll-up row holds (``COUNTERS``)."""

    received = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    appealed = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)  # transferred away from this office
    feedback_rated = models.PositiveIntegerField(default=0)
    feedback_satisfied = models.PositiveIntegerField(default=0)
    resolved_with_deadline = models.PositiveIntegerField(default=0)  # resolutions whose event names the deadline
    resolved_within_deadline = models.PositiveIntegerField(default=0)
    days_0_1 = models.PositiveIntegerField(default=0)
    days_2_3 = models.PositiveIntegerField(default=0)
    days_4_7 = models.PositiveIntegerField(default=0)
    days_8_15 = models.PositiveIntegerField(default=0)
    days_16_30 = models.PositiveIntegerField(default=0)
    days_31_60 = models.PositiveIntegerField(default=0)
    days_61_90 = models.PositiveIntegerField(default=0)
    days_over_90 = models.PositiveIntegerField(default=0)

    appeals_decided = models.PositiveIntegerField(default=0)
    appeals_upheld = models.PositiveIntegerField(default=0)  # decided for the complainant: back to the office
    closed_unconfirmed = models.PositiveIntegerField(default=0)  # closed with no answer from the complainant

    class Meta:
        abstract = True


class DailyRollup(RollupCounters):
    """Counts of one office, one category, one day (the local date of the events)."""

    office = models.ForeignKey(
        "directory.Office", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # led by the unique key
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()

    class Meta:
        constraints = [
            # Also the index of office_measures: WHERE office_id IN (...) AND day BETWEEN ...
            models.UniqueConstraint(fields=["office", "day", "category"], name="scorecards_rollup_key"),
        ]

    def __str__(self) -> str:
        return f"office {self.office_id} category {self.category_id} on {self.day}"


class UnitRollup(RollupCounters):
    """Counts of one unit of the scorecard tree on one day: the nation (``unit_id`` 0), a
    government, a department, an office with every office below it, a province or a district. The
    fold adds each event to every unit its office belongs to, so that a scorecard reads one row a
    day whatever the number of offices below it."""

    level = models.CharField(max_length=12, choices=Level.choices)
    unit_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        constraints = [
            # Also the index of unit_measures: WHERE level = ... AND unit_id IN (...) AND day BETWEEN ...
            models.UniqueConstraint(fields=["level", "unit_id", "day"], name="scorecards_unit_key"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.unit_id} on {self.day}"


class GroupRollup(RollupCounters):
    """Counts of one complainant group in one unit on one day (statistics only: no complaint, no
    person is stored here)."""

    level = models.CharField(max_length=12, choices=Level.choices)
    unit_id = models.BigIntegerField()
    group = models.CharField(max_length=12, choices=ComplainantGroup.choices)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "unit_id", "day", "group"], name="scorecards_group_key"),
        ]

    def __str__(self) -> str:
        return f"{self.group} in {self.level} {self.unit_id} on {self.day}"


class ActionFoldCursor(models.Model):
    """One row: the id of the last ``core.Event`` folded into :class:`ActionRollup`. Apart from
    ``FoldCursor`` so that the action counts fold (and rebuild) on their own."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"actions folded up to event {self.last_event_id}"


class ActionRollup(models.Model):
    """Accountability actions of one kind in one unit of the scorecard tree, by the day they were
    taken: how many were recorded and how many of those were later withdrawn (the published count
    is the difference). Folded from the accountability events (``action_rollup.action_fold``);
    no action, officer or complaint is stored here."""

    level = models.CharField(max_length=12, choices=Level.choices)
    unit_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    day = models.DateField()
    recorded = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index of action_counts: WHERE level = ... AND unit_id IN (...) AND day BETWEEN ...
            models.UniqueConstraint(fields=["level", "unit_id", "day", "kind"], name="scorecards_action_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in {self.level} {self.unit_id} on {self.day}"
