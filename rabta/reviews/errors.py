"""The machine-readable codes of decision reviews. The values are what the API has always answered
(they were spelt in rabta.complaints before reviews had their own app): they never change."""

from rabta.core.errors import ErrorCode


class ReviewsError(ErrorCode):
    DECISION_TYPE_UNKNOWN = "decision_type_unknown"
    DECISION_REFERENCE_REQUIRED = "decision_reference_required"
    DECISION_REFERENCE_TOO_LONG = "decision_reference_too_long"
    DECLARATION_NUMBER_TOO_LONG = "declaration_number_too_long"
    RANK_OUT_OF_RANGE = "rank_out_of_range"
    REASON_REQUIRED = "reason_required"
    TEXT_TOO_LONG = "text_too_long"
    OFFICE_UNKNOWN = "office_unknown"
    POST_UNKNOWN = "post_unknown"
    REVIEWER_UNKNOWN = "review_reviewer_unknown"
    REVIEWER_IS_APPLICANT = "review_reviewer_is_applicant"
    REVIEWER_NOT_SENIOR = "review_reviewer_not_senior"
    RESULT_UNKNOWN = "review_result_unknown"
    ALREADY_DECIDED = "transition_not_allowed"
    NOT_ALLOWED = "not_allowed"
