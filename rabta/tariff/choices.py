"""Vocabularies of the tariff."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Digits of a code. HS levels are international; 8 is the Pakistan Customs Tariff line (PCT),
    10 and 12 the further national splits that regulatory measures attach to."""

    CHAPTER = 2, _("Chapter")
    HEADING = 4, _("Heading")
    SUBHEADING = 6, _("Subheading")
    NATIONAL = 8, _("National tariff line")
    NATIONAL_10 = 10, _("National split (10 digits)")
    NATIONAL_12 = 12, _("National split (12 digits)")


HS_LEVELS = (Level.CHAPTER, Level.HEADING, Level.SUBHEADING)
NATIONAL_LEVELS = (Level.NATIONAL, Level.NATIONAL_10, Level.NATIONAL_12)


class Unit(models.TextChoices):
    """Units of quantity (WCO recommended standard units). Net mass in kg is declared for every
    item; a code's supplementary unit is what its quantity is declared in besides."""

    KG = "kg", _("kilogram")
    G = "g", _("gram")
    ITEMS = "u", _("number of items")
    PAIRS = "2u", _("pairs")
    DOZENS = "12u", _("dozens")
    THOUSANDS = "1000u", _("thousands of items")
    LITRE = "l", _("litre")
    METRE = "m", _("metre")
    SQUARE_METRE = "m2", _("square metre")
    CUBIC_METRE = "m3", _("cubic metre")
    CARAT = "carat", _("carat")
    KWH = "1000kWh", _("1,000 kilowatt-hours")


# "Rs 430 per item": the unit as one counts it after "per", where the unit's name does not read so.
PER_UNIT = {
    Unit.ITEMS: _("item"),
    Unit.PAIRS: _("pair"),
    Unit.DOZENS: _("dozen"),
    Unit.THOUSANDS: _("1,000 items"),
}


class Duty(models.TextChoices):
    CUSTOMS = "cd", _("Customs duty")
    ADDITIONAL_CUSTOMS = "acd", _("Additional customs duty")
    REGULATORY = "rd", _("Regulatory duty")
    SALES_TAX = "st", _("Sales tax")
    WITHHOLDING = "wht", _("Withholding income tax")


class Basis(models.TextChoices):
    AD_VALOREM = "ad_valorem", _("Percent of value")
    SPECIFIC = "specific", _("Amount per unit")


class MeasureKind(models.TextChoices):
    PROHIBITED = "prohibited", _("Prohibited")
    RESTRICTED = "restricted", _("Restricted: permit of another agency")
    QUOTA = "quota", _("Quota")
    CERTIFICATE = "certificate", _("Certificate required")


# Kinds whose goods pass only with a document naming the agency that issued it.
DOCUMENT_KINDS = frozenset({MeasureKind.RESTRICTED, MeasureKind.QUOTA, MeasureKind.CERTIFICATE})


class Direction(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class ChangeKind(models.TextChoices):
    CODE_ADD = "code_add", _("New national line")
    RATE_ADD = "rate_add", _("New duty rate")
    MEASURE_ADD = "measure_add", _("New regulatory measure")
    END = "end", _("End-dating")


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EndTarget(models.TextChoices):
    CODE = "code", _("Code")
    RATE = "rate", _("Duty rate")
    MEASURE = "measure", _("Measure")


class EnquiryStatus(models.TextChoices):
    ASKED = "asked", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
