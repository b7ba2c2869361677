"""The customs domain's vocabularies. Stored values never change once released."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    TRADER = "trader", _("Importer or exporter")
    CLEARING_AGENT = "clearing_agent", _("Clearing agent")
    FOREIGN_TRADER = "foreign_trader", _("Foreign seller or buyer")


class PartyScheme(models.TextChoices):
    """What identifies a party: an FBR NTN (traders), a customs licence (clearing agents), a name and
    country (foreign parties), or another system's reference (imported records, e.g. KCS ids)."""

    NTN = "ntn", _("National Tax Number")
    LICENCE = "licence", _("Customs agent licence")
    NAME = "name", _("Name and country")
    EXTERNAL = "external", _("Reference in another system")


class Regime(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    TRANSIT = "transit", _("Transit")
    WAREHOUSING = "warehousing", _("Warehousing")
    TEMPORARY = "temporary", _("Temporary admission")
    RE_EXPORT = "re_export", _("Re-export")


class TransportMode(models.TextChoices):
    """UN/ECE Recommendation 19 modes, as the WCO Data Model codes them."""

    SEA = "1", _("Sea")
    RAIL = "2", _("Rail")
    ROAD = "3", _("Road")
    AIR = "4", _("Air")
    POST = "5", _("Post")
    MULTIMODAL = "6", _("Multimodal")
    FIXED = "7", _("Fixed installation")
    INLAND_WATER = "8", _("Inland waterway")
    UNKNOWN = "9", _("Unknown or own propulsion")


class Status(models.TextChoices):
    FILED = "filed", _("Filed")
    LANE_ASSIGNED = "lane_assigned", _("Lane assigned")
    DOCUMENTS_CHECKED = "documents_checked", _("Documents checked")
    EXAMINED = "examined", _("Examined")
    ASSESSED = "assessed", _("Assessed")
    DUTY_PAID = "duty_paid", _("Duty paid")
    RELEASED = "released", _("Released")


class Outcome(models.TextChoices):
    NO_DISCREPANCY = "no_discrepancy", _("No discrepancy")
    DISCREPANCY = "discrepancy", _("Discrepancy")
    CRITICAL = "critical_discrepancy", _("Critical discrepancy")


class DiscrepancyType(models.TextChoices):
    UNDERVALUATION = "undervaluation", _("Undervaluation")
    MISCLASSIFICATION = "misclassification", _("Misclassification")
    ORIGIN = "origin", _("Origin")
    QUANTITY = "quantity", _("Quantity")
    PROHIBITED = "prohibited_restricted", _("Prohibited or restricted goods")
    # Imported records that carry only a fraud label (KCS) say that there was one, not which.
    UNSPECIFIED = "unspecified", _("Not specified by the source")


class Source(models.TextChoices):
    API = "api", _("Filed through the API")
    IMPORT = "import", _("Bulk import")
    KCS = "kcs", _("Korea Customs synthetic data")


class Grain(models.TextChoices):
    """The period a clearance roll-up row covers (rabta.customs.models.ClearanceRollup)."""

    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")


class Stage(models.TextChoices):
    """The WCO Time Release Study stages the dashboard measures."""

    ARRIVAL_FILING = "arrival_filing", _("Arrival to filing")
    FILING_ASSESSMENT = "filing_assessment", _("Filing to assessment")
    ASSESSMENT_RELEASE = "assessment_release", _("Assessment to release")
    TOTAL = "total", _("Total (arrival, or filing, to release)")


class ImportFormat(models.TextChoices):
    """The file formats ``declarations_import`` reads (rabta.customs.services.imports.FORMATS)."""

    KCS = "kcs", _("Korea Customs synthetic format (KCS)")
    CSV = "csv", _("Rabta CSV")
    JSONL = "jsonl", _("Rabta JSON Lines")


class ImportJobStatus(models.TextChoices):
    """Where an uploaded import stands (rabta.customs.models.ImportJob)."""

    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Stopped by an error")
