from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    PROVINCE = "province", _("Province or territory")
    DIVISION = "division", _("Division")
    DISTRICT = "district", _("District")
    TEHSIL = "tehsil", _("Tehsil")


class GovernmentLevel(models.TextChoices):
    FEDERAL = "federal", _("Federal")
    PROVINCIAL = "provincial", _("Provincial or territorial")


class OfficeLevel(models.TextChoices):
    HEAD = "head", _("Head office")
    REGIONAL = "regional", _("Regional office")
    DIVISION = "division", _("Divisional office")
    DISTRICT = "district", _("District office")
    TEHSIL = "tehsil", _("Tehsil office")
    COLLECTORATE = "collectorate", _("Customs collectorate")
    UNIT = "unit", _("Unit")
