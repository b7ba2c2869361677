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


class ActionKind(models.TextChoices):
    """What oversight did about an office or an officer (AccountabilityAction.kind). The Pakistan
    Citizen Portal's reports to the cabinet named these: officers warned, show-caused, suspended."""

    EXPLANATION_SOUGHT = "explanation_sought", _("Explanation sought")
    DISPLEASURE = "displeasure", _("Displeasure")
    WARNING = "warning", _("Warning")
    SHOW_CAUSE = "show_cause", _("Show-cause notice")
    SUSPENSION = "suspension", _("Suspension")
    COMMENDATION = "commendation", _("Commendation")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REPLIED = "replied", _("Replied")
    CONCLUDED = "concluded", _("Concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The allowed moves of an action: (from, to). Anything else is an invalid transition (409).
ACTION_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (ActionStatus.OPEN, ActionStatus.REPLIED),
        (ActionStatus.OPEN, ActionStatus.CONCLUDED),
        (ActionStatus.OPEN, ActionStatus.WITHDRAWN),
        (ActionStatus.REPLIED, ActionStatus.CONCLUDED),
        (ActionStatus.REPLIED, ActionStatus.WITHDRAWN),
    }
)
