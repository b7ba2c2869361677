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
    TOTP_WRONG_CODE = "totp_wrong_code"
    ROLE_SELF_GRANT = "role_self_grant"
    ROLE_NOT_GRANTABLE = "role_not_grantable"
    ACCOUNT_NOT_MANAGEABLE = "account_not_manageable"
    FIELD_NOT_EDITABLE = "field_not_editable"
    ACCOUNT_INACTIVE = "account_inactive"
    NO_CONTACT = "no_contact"
    ADMIN_ACCESS_NEEDS_ROLE = "admin_access_needs_role"
    PASSWORD_WEAK = "password_weak"  # noqa: S105  (an error code, not a secret)
