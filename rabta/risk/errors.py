"""The machine-readable codes of the risk domain (stored and answered values never change)."""

from rabta.core.errors import ErrorCode


class RiskError(ErrorCode):
    NOT_ALLOWED = "not_allowed"
    # A rule's condition (rabta.risk.expressions): each refusal names its line and column.
    RULE_EMPTY = "rule_empty"
    RULE_TOO_LONG = "rule_too_long"
    RULE_SYNTAX = "rule_syntax"
    RULE_NODE_NOT_ALLOWED = "rule_node_not_allowed"
    RULE_UNKNOWN_FIELD = "rule_unknown_field"
    RULE_UNKNOWN_FUNCTION = "rule_unknown_function"
    RULE_UNKNOWN_WATCHLIST = "rule_unknown_watchlist"
    RULE_UNKNOWN_PROFILE = "rule_unknown_profile"
    RULE_FUNCTION_ARGUMENTS = "rule_function_arguments"
    RULE_TYPE_MISMATCH = "rule_type_mismatch"
    RULE_NOT_BOOLEAN = "rule_not_boolean"
    RULE_RETIRED = "rule_retired"
    NAME_REQUIRED = "name_required"
    LANE_UNKNOWN = "lane_unknown"
    PERCENTAGE_INVALID = "percentage_invalid"
    VALIDITY_INVALID = "validity_invalid"
    PERIOD_INVALID = "period_invalid"
    WATCHLIST_KIND_UNKNOWN = "watchlist_kind_unknown"
    WATCHLIST_ENTRY_INVALID = "watchlist_entry_invalid"
    WATCHLIST_NAME_INVALID = "watchlist_name_invalid"
    # Models.
    TRAINING_DATA_EMPTY = "training_data_empty"
    NO_POSITIVE_LABELS = "no_positive_labels"
    MODEL_NOT_APPROVED = "model_not_approved"
    MODEL_STATUS_INVALID = "model_status_invalid"
    MODEL_ARTEFACT_MISMATCH = "model_artefact_mismatch"
    MODEL_SELF_APPROVAL = "model_self_approval"
    # Border agencies (rabta.risk.services.agencies).
    AGENCY_CODE_INVALID = "agency_code_invalid"
    AGENCY_PREFIX_INVALID = "agency_prefix_invalid"
    AGENCY_OUTCOME_UNKNOWN = "agency_outcome_unknown"
    AGENCY_NOT_MEMBER = "agency_not_member"
    AGENCY_RESULT_UNKNOWN = "agency_result_unknown"
    AGENCY_RESULT_RECORDED = "agency_result_recorded"
    AGENCY_NOTHING_TO_RECORD = "agency_nothing_to_record"
    AGENCY_WATCHLIST_TAKEN = "agency_watchlist_taken"
    # The rule lifecycle (draft -> back-test -> active), the pages of issue 10.
    RULE_NOT_DRAFT = "rule_not_draft"
    RULE_NOT_BACKTESTED = "rule_not_backtested"
