"""The machine-readable codes of the scorecards domain (stored and answered values never change)."""

from rabta.core.errors import ErrorCode


class ScorecardsError(ErrorCode):
    DATE_RANGE_INVERTED = "date_range_inverted"
    DATE_RANGE_TOO_LONG = "date_range_too_long"
    TOO_MANY_OFFICES = "too_many_offices"
    FIGURE_UNKNOWN = "figure_unknown"
    MEASURE_UNKNOWN = "measure_unknown"
    MIN_SAMPLE_TOO_SMALL = "min_sample_too_small"
    MONTH_UNKNOWN = "month_unknown"
    LIVE_NOT_ALLOWED = "live_not_allowed"
