"""Vocabularies of the Open311 facade."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    """GeoReport v2 ``type``: how a request of the service is handled."""

    REALTIME = "realtime", _("Realtime (a request is created at once)")
    BATCH = "batch", _("Batch")
    BLACKBOX = "blackbox", _("Black box (no status is reported)")


class RequestStatus(models.TextChoices):
    """GeoReport v2 request statuses."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class UpdateStatus(models.TextChoices):
    """The extended statuses of the service-request-updates extension (FixMyStreet's Open311
    update extension), as clients such as FixMyStreet read them."""

    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Investigating")
    IN_PROGRESS = "in_progress", _("In progress")
    ACTION_SCHEDULED = "action_scheduled", _("Action scheduled")
    INTERNAL_REFERRAL = "internal_referral", _("Passed to the responsible office")
    DUPLICATE = "duplicate", _("Duplicate")
    FIXED = "fixed", _("Fixed")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
    NOT_RESPONSIBLE = "not_responsible", _("Not the responsibility of this portal")
    REOPEN = "reopen", _("Reopened")
    CLOSED = "closed", _("Closed")
