from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.TextChoices):
    """An officer's judgement of a closed complaint (ResponsibilityRating.rating)."""

    GENUINE = "genuine", _("Genuine")
    NON_ISSUE = "non_issue", _("Non-issue")
    MISLEADING = "misleading", _("Misleading")
    ABUSIVE = "abusive", _("Abusive")


class StandingLevel(models.TextChoices):
    """Where a complainant's responsibility index stands (ComplainantStanding.level)."""

    NORMAL = "normal", _("Normal")
    WARNED = "warned", _("Warned")
    THROTTLED = "throttled", _("Throttled")
    SUSPENDED = "suspended", _("Suspended")


class AuditStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AuditReason(models.TextChoices):
    """How the complainant rejected the resolution that put the officer's work up for audit."""

    REOPENED = "reopened", _("Reopened by the complainant")
    APPEALED = "appealed", _("Appealed by the complainant")


class AuditFinding(models.TextChoices):
    SOUND = "sound", _("The resolution was sound")
    FAULT = "fault", _("The officer was at fault")
