"""The machine-readable reasons of the Open311 facade. Open311 errors carry the HTTP status as their
``code`` (GeoReport v2); Rabta adds the field and one of these reasons to each error."""

from rabta.core.errors import ErrorCode


class Open311Error(ErrorCode):
    API_KEY_REQUIRED = "api_key_required"
    API_KEY_INVALID = "api_key_invalid"
    FORMAT_UNKNOWN = "format_unknown"
    JURISDICTION_UNKNOWN = "jurisdiction_unknown"
    SERVICE_CODE_REQUIRED = "service_code_required"
    SERVICE_UNKNOWN = "service_unknown"
    REQUEST_UNKNOWN = "request_unknown"
    TOKEN_UNKNOWN = "token_unknown"  # noqa: S105 - an error code, not a secret
    LOCATION_REQUIRED = "location_required"
    ADDRESS_UNKNOWN = "address_unknown"
    COORDINATE_INVALID = "coordinate_invalid"
    DESCRIPTION_REQUIRED = "description_required"
    DATETIME_INVALID = "datetime_invalid"
    DATE_RANGE_REVERSED = "date_range_reversed"
    DATE_RANGE_TOO_LONG = "date_range_too_long"
    STATUS_UNKNOWN = "status_unknown"
    NUMBER_INVALID = "number_invalid"
    MEDIA_URL_INVALID = "media_url_invalid"
    NOT_FILED_BY_CLIENT = "not_filed_by_client"
    UPDATE_EMPTY = "update_empty"
    ATTRIBUTE_UNKNOWN = "attribute_unknown"
    CLIENT_REVOKED = "client_revoked"
