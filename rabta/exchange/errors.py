"""The machine-readable codes of the data exchange."""

from rabta.core.errors import ErrorCode


class ExchangeError(ErrorCode):
    NOT_ALLOWED = "not_allowed"
    COUNTRY_UNKNOWN = "exchange_country_unknown"
    NAME_REQUIRED = "exchange_name_required"
    KIND_UNKNOWN = "exchange_kind_unknown"
    DATASET_UNKNOWN = "exchange_dataset_unknown"
    DATASET_NOT_AGREED = "exchange_dataset_not_agreed"
    FIELD_UNKNOWN = "exchange_field_unknown"
    FIELDS_REQUIRED = "exchange_fields_required"
    DATES_INVALID = "exchange_dates_invalid"
    STATUS_UNKNOWN = "exchange_status_unknown"
    AGREEMENT_NOT_IN_FORCE = "exchange_agreement_not_in_force"
    PERIOD_OUTSIDE_AGREEMENT = "exchange_period_outside_agreement"
    FORMAT_UNKNOWN = "exchange_format_unknown"
    FILE_UNREADABLE = "exchange_file_unreadable"
    FILE_TOO_LARGE = "exchange_file_too_large"
    SCHEMA_INVALID = "exchange_schema_invalid"
    ENTITIES_REFUSED = "exchange_xml_entities_refused"
    NTN_INVALID = "ntn_invalid"
    TOLERANCE_INVALID = "exchange_tolerance_invalid"
    # The codes of a rejected row (ImportReject.code).
    REQUIRED = "required"
    WRONG_TYPE = "wrong_type"
    BAD_VALUE = "bad_value"
    UNEXPECTED = "unexpected_element"
    DUPLICATE = "duplicate"
