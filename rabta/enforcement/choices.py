"""The vocabularies of enforcement incidents. Stored values never change once released."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentType(models.TextChoices):
    SEIZURE = "seizure", _("Seizure")
    SMUGGLING_ATTEMPT = "smuggling_attempt", _("Smuggling attempt")
    MISDECLARATION = "misdeclaration", _("Misdeclaration found at examination")
    COUNTERFEIT = "counterfeit", _("Counterfeit goods")
    NARCOTICS = "narcotics", _("Narcotics")
    CURRENCY = "currency", _("Currency")


class ModusOperandi(models.TextChoices):
    CONCEALMENT_COMPARTMENT = "concealment_compartment", _("Concealed in a hidden compartment")
    CONCEALMENT_CARGO = "concealment_cargo", _("Concealed among declared cargo")
    CONCEALMENT_BODY = "concealment_body", _("Concealed on the body or in baggage")
    DOCUMENT_FRAUD = "document_fraud", _("Document fraud")
    UNDERVALUATION = "undervaluation", _("Undervaluation")
    MISCLASSIFICATION = "misclassification", _("Misclassification")
    FALSE_ORIGIN = "false_origin", _("False origin")
    UNDECLARED = "undeclared", _("Goods not declared")
    OTHER = "other", _("Other")


class ConveyanceKind(models.TextChoices):
    NONE = "", _("None")
    VEHICLE = "vehicle", _("Vehicle")
    VESSEL = "vessel", _("Vessel")
    CONTAINER = "container", _("Container")
    AIRCRAFT = "aircraft", _("Aircraft")
    TRAIN = "train", _("Train")
    ON_FOOT = "on_foot", _("On foot or animal")


class ReviewStatus(models.TextChoices):
    """The report itself: a draft its reporter edits, submitted to a supervisor, approved (and from
    then on immutable: corrections are amendments with reasons)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    ADJUDICATED = "adjudicated", _("Adjudicated")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    NONE = "", _("None yet")
    CONFISCATION = "confiscation", _("Confiscation")
    FINE = "fine", _("Fine")
    PROSECUTION = "prosecution", _("Prosecution")
    RELEASED = "released", _("Released")


class PartyRole(models.TextChoices):
    IMPORTER = "importer", _("Importer")
    EXPORTER = "exporter", _("Exporter")
    DECLARANT = "declarant", _("Declarant")
    CARRIER = "carrier", _("Carrier")
    PERSON = "person", _("Person")
