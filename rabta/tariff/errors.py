"""Machine-readable error codes of the tariff (``rabta.core.errors.ErrorCode``)."""

from __future__ import annotations

from rabta.core.errors import ErrorCode


class TariffError(ErrorCode):
    # Import files
    FILE_NOT_FOUND = "file_not_found"
    MISSING_COLUMN = "missing_column"
    INVALID_ROW = "invalid_row"
    # Codes
    CODE_MALFORMED = "code_malformed"
    CODE_UNKNOWN = "code_unknown"
    CODE_EXISTS = "code_exists"
    CODE_NOT_NATIONAL = "code_not_national"
    PARENT_UNKNOWN = "parent_unknown"
    PARENT_NOT_IN_FORCE = "parent_not_in_force"
    # Values
    REQUIRED = "required"
    INVALID_CHOICE = "invalid_choice"
    INVALID_DATE = "invalid_date"
    DATES_REVERSED = "dates_reversed"
    OUTSIDE_CODE_VALIDITY = "outside_code_validity"
    OVERLAPPING_VALIDITY = "overlapping_validity"
    RATE_NEGATIVE = "rate_negative"
    RATE_ABSURD = "rate_absurd"
    RATE_BASIS_MISMATCH = "rate_basis_mismatch"
    ALREADY_ENDED = "already_ended"
    UNKNOWN_TARGET = "unknown_target"
    # Review
    NOT_ALLOWED = "not_allowed"
    OWN_PROPOSAL = "own_proposal"
    ALREADY_DECIDED = "already_decided"
    # Enquiry point
    ALREADY_ANSWERED = "already_answered"
    # Search
    QUERY_TOO_LONG = "query_too_long"
    QUERY_EMPTY = "query_empty"


class FindingCode(ErrorCode):
    """What :func:`rabta.tariff.checks.tariff_check` finds wrong with one declared item."""

    CODE_MALFORMED = "code_malformed"
    CODE_UNKNOWN = "code_unknown"
    CODE_NOT_IN_FORCE = "code_not_in_force"
    CODE_NOT_NATIONAL_LINE = "code_not_national_line"
    UNIT_MISMATCH = "unit_mismatch"
    DOCUMENT_MISSING = "document_missing"
    PROHIBITED = "prohibited"
