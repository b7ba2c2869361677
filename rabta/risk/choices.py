"""The risk domain's vocabularies. Stored values never change once released."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionSource(models.TextChoices):
    """What decided a declaration's lane, in the ASYCUDA selectivity order."""

    RULE = "rule", _("Officer rule")
    MODEL = "model", _("Learned model")
    RANDOM = "random", _("Random selection")
    TOP_UP = "top_up", _("Expected-rate top-up")
    DEFAULT = "default", _("Not selected")
    OFFICER = "officer", _("Officer re-route")
    VALUE = "value", _("Value control (under-invoicing)")


class ModelOutcome(models.TextChoices):
    """What happened when the active model was asked to score a declaration."""

    SCORED = "scored", _("Scored")
    NO_MODEL = "no_model", _("No active model")
    FAILED = "failed", _("Model failed; rules and random selection only")


class ModelStatus(models.TextChoices):
    TRAINED = "trained", _("Trained, awaiting approval")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    REFUSED = "refused", _("Refused (artefact does not match)")


class RuleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    # Issue 10 (pages): a rule written by an analyst waits as a draft, selecting nothing, until it is
    # back-tested and activated (rabta.risk.services.rules.rule_activate).
    DRAFT = "draft", _("Draft")


class WatchListKind(models.TextChoices):
    """What a watch list holds: party references (importer, declarant, seller), tariff codes (or
    their prefixes) or ISO country codes."""

    PARTY = "party", _("Parties")
    CODE = "code", _("Tariff codes")
    COUNTRY = "country", _("Countries")


class ProfileKey(models.TextChoices):
    """What a risk profile (historical hit rate) is kept for: one dimension or a pair."""

    IMPORTER = "importer", _("Importer")
    DECLARANT = "declarant", _("Declarant")
    CODE = "code", _("Tariff code (HS6)")
    ORIGIN = "origin", _("Country of origin")
    OFFICE = "office", _("Office")
    IMPORTER_CODE = "importer+code", _("Importer and code")
    DECLARANT_IMPORTER = "declarant+importer", _("Declarant and importer")
    CODE_ORIGIN = "code+origin", _("Code and origin")
    ROUTE = "route", _("Route (enforcement incidents)")
    ALL = "all", _("All declarations")


class AgencyOutcome(models.TextChoices):
    """What a border agency's rule sends a declaration to (never a customs lane), most severe first;
    an agency offers those of its registry entry (``Agency.outcomes``)."""

    HOLD = "hold", _("Hold")
    LAB_TEST = "lab_test", _("Laboratory test")
    INSPECTION = "inspection", _("Physical inspection")
    DOCUMENT_CHECK = "document_check", _("Document check")
    NOT_SELECTED = "not_selected", _("Not selected")


class AgencyResult(models.TextChoices):
    """What the agency found when it carried out its own hold, test or inspection."""

    PENDING = "", _("Awaiting the result")
    CLEARED = "cleared", _("Cleared")
    CONDITIONAL = "conditional", _("Released with conditions")
    REFUSED = "refused", _("Refused entry")
