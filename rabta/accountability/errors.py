from rabta.core.errors import ErrorCode


class AccountabilityError(ErrorCode):
    """Codes of the responsibility index and the officer audits. Their values were released while
    these features lived in ``rabta.complaints`` and clients match on them: they never change."""

    RATING_UNKNOWN = "rating_unknown"
    # Not FEEDBACK_ALREADY_GIVEN: a rating is the office's judgement, feedback the complainant's.
    RATING_ALREADY_GIVEN = "rating_already_given"
    # A complaint still open, or an audit already closed: the item's state refuses the move.
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    NOT_ALLOWED = "not_allowed"
    REASON_REQUIRED = "reason_required"
    COMPLAINANT_SUSPENDED = "complainant_suspended"
    COMPLAINANT_THROTTLED = "complainant_throttled"
    STANDING_NOT_LIMITED = "standing_not_limited"
    STANDING_APPEAL_OPEN = "standing_appeal_open"
    STANDING_APPEAL_NOT_OPEN = "standing_appeal_not_open"
    AUDIT_FINDING_UNKNOWN = "audit_finding_unknown"
    # Accountability actions (issue 11)
    ACTION_KIND_UNKNOWN = "action_kind_unknown"
    ACTION_STATUS_UNKNOWN = "action_status_unknown"
    ACTION_OFFICE_UNKNOWN = "action_office_unknown"
    ACTION_OFFICER_NOT_OF_OFFICE = "action_officer_not_of_office"
    ACTION_EVIDENCE_UNKNOWN = "action_evidence_unknown"
    ACTION_DATE_INVALID = "action_date_invalid"
    ACTION_TEXT_REQUIRED = "action_text_required"
