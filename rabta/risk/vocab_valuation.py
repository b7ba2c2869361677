"""The words of value control and post-clearance audit selection: findings, band levels, error codes
and event kinds. Kept apart from ``rabta/risk/errors.py`` and ``events.py`` (lane selection's), so
that the two pieces of work meet in no shared enum; stored values never change once released."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rabta.core.errors import ErrorCode
from rabta.core.events import EventKind


class Finding(models.TextChoices):
    """What value control says of one item (and, the most severe of its items, of a declaration).

    Only ``below_band``, ``far_below_band`` and ``above_band`` are findings a lane rule or an
    auditor acts on; the other three say why there is none."""

    FAR_BELOW = "far_below_band", _("Far below the value band")
    BELOW = "below_band", _("Below the value band")
    ABOVE = "above_band", _("Above the value band")
    IN_BAND = "in_band", _("Within the value band")
    NO_BAND = "no_band", _("No value band (too little history for the code, its origin and its heading)")
    CANNOT_JUDGE = "cannot_judge", _("No unit value (zero or negative quantity or mass)")


# The order in which one finding outweighs another (a declaration carries its items' worst).
SEVERITY: dict[str, int] = {
    Finding.FAR_BELOW: 5,
    Finding.BELOW: 4,
    Finding.ABOVE: 3,
    Finding.CANNOT_JUDGE: 2,
    Finding.IN_BAND: 1,
    Finding.NO_BAND: 0,
}
FLAGGED = frozenset({Finding.FAR_BELOW, Finding.BELOW, Finding.ABOVE})


class OutsideSource(models.TextChoices):
    """Where a value-control finding made outside value control's bands comes from."""

    MIRROR = "mirror", _("Mirror check against a partner administration's export declarations")


class OutsideBasis(models.TextChoices):
    SHIPMENT = "shipment", _("One shipment (the same declaration)")
    PERIOD = "period", _("One month, HS6 code and partner country")


class OutsideFinding(models.TextChoices):
    """An outside comparison's verdict: the declared import value below the other side's value is the
    under-invoicing signal; above it, over-invoicing (money moved abroad)."""

    MIRROR_BELOW = "mirror_below", _("Declared import value below the partner's declared export value")
    MIRROR_ABOVE = "mirror_above", _("Declared import value above the partner's declared export value")


# An outside finding weighs in the audit score like the band finding it resembles.
OUTSIDE_AS_BAND: dict[str, str] = {
    OutsideFinding.MIRROR_BELOW: Finding.BELOW,
    OutsideFinding.MIRROR_ABOVE: Finding.ABOVE,
}


class BandLevel(models.TextChoices):
    """How narrow the history behind a band is: the code from this origin, the code from anywhere,
    or the code's HS heading (its first four digits) from anywhere."""

    CODE_ORIGIN = "code_origin", _("Tariff code and origin")
    CODE = "code", _("Tariff code, every origin")
    HEADING = "heading", _("HS heading, every origin")


class Basis(models.TextChoices):
    PER_UNIT = "per_unit", _("Value per unit of quantity")
    PER_KG = "per_kg", _("Value per kilogram of net mass")


class RunKind(models.TextChoices):
    BANDS = "bands", _("Value bands rebuilt")
    AUDIT = "audit", _("Post-clearance audit list refreshed")


class ValuationError(ErrorCode):
    NOT_ALLOWED = "not_allowed"
    WINDOW_INVALID = "value_window_invalid"
    FILE_COLUMN_MISSING = "value_file_column_missing"
    FILE_VALUE_INVALID = "value_file_value_invalid"
    FILE_EMPTY = "value_file_empty"
    OUTSIDE_INVALID = "value_outside_invalid"


class ValuationEvent(EventKind):
    BANDS_REBUILT = "risk.value_bands_rebuilt"
    DECLARATION_CHECKED = "risk.value_checked"
    AUDIT_REFRESHED = "risk.audit_candidates_refreshed"
    OUTSIDE_RECORDED = "risk.value_outside_recorded"
