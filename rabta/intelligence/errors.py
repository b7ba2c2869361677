"""The machine-readable codes of the intelligence domain (stored and answered values never change)."""

from rabta.core.errors import ErrorCode


class IntelligenceError(ErrorCode):
    NOT_ALLOWED = "not_allowed"
    ONE_LABEL = "one_label"
    NO_TRAINING_DATA = "no_training_data"
    BAD_TRAINING_FILE = "bad_training_file"
    ARTEFACT_TAMPERED = "artefact_tampered"
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    LANGUAGE_UNKNOWN = "language_unknown"
    PLACE_UNKNOWN = "place_unknown"
    SIGNAL_DECISION_UNKNOWN = "signal_decision_unknown"
    SIGNAL_ALREADY_REVIEWED = "signal_already_reviewed"
    REASON_REQUIRED = "reason_required"
    SUGGESTION_STALE = "suggestion_stale"
