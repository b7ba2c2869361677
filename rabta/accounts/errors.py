from enum import StrEnum


class AccountsError(StrEnum):
    EMAIL_OR_PHONE_REQUIRED = "email_or_phone_required"
    EMAIL_TAKEN = "email_taken"
    PHONE_TAKEN = "phone_taken"
    IDENTITY_DUPLICATE = "identity_duplicate"
    IDENTITY_TYPE_TWICE = "identity_type_twice"
    LANGUAGE_UNKNOWN = "language_unknown"
    COMPLAINANT_TYPE_UNKNOWN = "complainant_type_unknown"
    BUSINESS_FIELDS_ONLY_FOR_BUSINESS = "business_fields_only_for_business"
    ROLE_UNKNOWN = "role_unknown"
    ROLE_SCOPE_MISSING = "role_scope_missing"
    ROLE_SCOPE_NOT_ALLOWED = "role_scope_not_allowed"
    VERIFICATION_NO_TARGET = "verification_no_target"
    VERIFICATION_EXPIRED = "verification_expired"
    VERIFICATION_WRONG_CODE = "verification_wrong_code"
    VERIFICATION_TOO_MANY_ATTEMPTS = "verification_too_many_attempts"
    VERIFICATION_CODE_USED = "verification_code_used"
    TOTP_WRONG_CODE = "totp_wrong_code"
    TOTP_CODE_USED = "totp_code_used"
    TOTP_THROTTLED = "totp_throttled"
    CHANNEL_UNKNOWN = "channel_unknown"
    IDENTITY_GIVEN_TWICE = "identity_given_twice"
    # The identifier was confirmed by another account first: the holder who verifies wins.
    IDENTIFIER_HELD_ELSEWHERE = "identifier_held_elsewhere"
    PASSWORD_WEAK = "password_weak"  # noqa: S105  (an error code, not a secret)
