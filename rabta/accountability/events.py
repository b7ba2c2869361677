from rabta.core.events import EventKind


class AccountabilityEvent(EventKind):
    """Event kinds of the responsibility index and the officer audits. The ``complaints.`` prefix
    is history (these features began in that app); stored values never change."""

    RESPONSIBILITY_RATED = "complaints.responsibility_rated"
    STANDING_CHANGED = "complaints.standing_changed"
    STANDING_APPEALED = "complaints.standing_appealed"
    STANDING_APPEAL_DECIDED = "complaints.standing_appeal_decided"
    OFFICER_AUDIT_QUEUED = "accountability.officer_audit_queued"
    OFFICER_AUDIT_CLOSED = "complaints.officer_audit_closed"
    # Accountability actions (issue 11): the scorecards fold these into counts per unit and kind.
    ACTION_RECORDED = "accountability.action_recorded"
    ACTION_REPLIED = "accountability.action_replied"
    ACTION_CONCLUDED = "accountability.action_concluded"
    ACTION_WITHDRAWN = "accountability.action_withdrawn"
