from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    ADMINISTRATION = "administration", _("Partner customs administration")
    BANK = "bank", _("Bank compliance unit")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class Dataset(models.TextChoices):
    DECLARATIONS = "declarations", _("Goods declarations")
    INCIDENTS = "incidents", _("Incident summaries")
    TRADER_SUMMARY = "trader_summary", _("Trader risk summary (banks)")


class Direction(models.TextChoices):
    EXPORT = "export", _("Export to the partner")
    IMPORT = "import", _("Import from the partner")
    BANK_REQUEST = "bank_request", _("Bank request")


class FileFormat(models.TextChoices):
    JSON = "json", "JSON"
    XML = "xml", "XML"


class ImportStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class MirrorBasis(models.TextChoices):
    SHIPMENT = "shipment", _("Same shipment (reference)")
    PERIOD = "period", _("Same month, code and partner")
