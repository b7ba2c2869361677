"""The scorecards' vocabularies: complainant groups, levels of the scorecard tree, measures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplainantGroup(models.TextChoices):
    """The groups the published breakdowns count (from the complaint's intake flags). Statistics
    only: a group's cell with fewer than ``RABTA_SCORECARD_MIN_CELL`` complaints is suppressed."""

    WOMAN = "woman", _("Women")
    DISABILITY = "disability", _("Persons with disabilities")
    MINORITY = "minority", _("Religious minorities")
    SENIOR = "senior", _("Senior citizens")
    OVERSEAS = "overseas", _("Overseas Pakistanis")
    FOREIGNER = "foreigner", _("Foreigners")
    WOMEN_LED = "women_led", _("Women-led businesses")
    YOUTH_LED = "youth_led", _("Youth-led businesses")


# The complaint's intake flag of each group (rabta.complaints.models.Complaint.flag_*).
GROUP_FLAGS: dict[str, str] = {
    ComplainantGroup.WOMAN: "flag_woman",
    ComplainantGroup.DISABILITY: "flag_disability",
    ComplainantGroup.MINORITY: "flag_minority",
    ComplainantGroup.SENIOR: "flag_senior",
    ComplainantGroup.OVERSEAS: "flag_overseas",
    ComplainantGroup.FOREIGNER: "flag_foreigner",
    ComplainantGroup.WOMEN_LED: "flag_women_led",
    ComplainantGroup.YOUTH_LED: "flag_youth_led",
}
# A track keeps its groups as bits, in this order.
GROUP_BITS: dict[str, int] = {group: 1 << index for index, group in enumerate(GROUP_FLAGS)}


class Level(models.TextChoices):
    """The levels of the scorecard tree: nation > government > department > office, and the
    places: province > district (an office counts for the place it mainly serves and those above)."""

    NATION = "nation", _("Nation")
    GOVERNMENT = "government", _("Government")
    DEPARTMENT = "department", _("Department")
    OFFICE = "office", _("Office")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")


class VolumeGroup(models.TextChoices):
    """Volume groups of the league tables (after CPGRAMS' GRAI: compare large with large)."""

    LARGE = "A", _("Large")
    MEDIUM = "B", _("Medium")
    SMALL = "C", _("Small")
