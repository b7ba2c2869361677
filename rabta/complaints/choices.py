from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintLanguage(models.TextChoices):
    """What a complaint is written in: the interface's languages, and Urdu in Latin script."""

    EN = "en", "English"
    UR = "ur", "اردو"
    UR_LATN = "ur-Latn", "Roman Urdu"


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    VIOLATION_REPORT = "violation_report", _("Report of a law violation")
    GUIDANCE_REQUEST = "guidance_request", _("Request for guidance")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ROUTED = "routed", _("Sent to an office")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    APPEALED = "appealed", _("Appealed")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


# Statuses in which the office owes the complainant something: deadlines run and escalation applies.
OPEN_STATUSES = (Status.ROUTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.REOPENED)
# Final: nothing more happens to them (no message, no file); the office may rate the complainant.
CLOSED_STATUSES = (Status.CLOSED, Status.REJECTED)


class Anonymity(models.TextChoices):
    NAME_HIDDEN_FROM_PUBLIC = "public_name_hidden", _("My name is hidden from the public")
    IDENTITY_HIDDEN_FROM_OFFICE = "identity_hidden_from_office", _("My identity is hidden from the office")
    FULLY_ANONYMOUS = "fully_anonymous", _("Fully anonymous (only a secret tracking token)")


HIDDEN_FROM_OFFICE = (Anonymity.IDENTITY_HIDDEN_FROM_OFFICE, Anonymity.FULLY_ANONYMOUS)
VISIBLE_TO_OFFICE = tuple(value for value in Anonymity if value not in HIDDEN_FROM_OFFICE)


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Outcome(models.TextChoices):
    RELIEF_GRANTED = "relief_granted", _("Relief granted")
    PARTIAL_RELIEF = "partial_relief", _("Partial relief")
    NO_RELIEF = "no_relief", _("No relief")
    DUPLICATE = "duplicate", _("Duplicate")


class RejectReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("Outside the scope of this portal")
    ABUSIVE = "abusive", _("Abusive")
    DUPLICATE = "duplicate", _("Duplicate of another complaint")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    IMPORT = "import", _("Bulk import")
    HELPLINE = "helpline", _("Helpline (entered by an operator)")


class MessageDirection(models.TextChoices):
    TO_OFFICE = "to_office", _("From the complainant to the office")
    TO_COMPLAINANT = "to_complainant", _("From the office to the complainant")
    INTERNAL = "internal", _("Internal note (never shown to the complainant)")
