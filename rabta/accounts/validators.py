"""Validation and normalisation of identity numbers and phone numbers (placeholder; see issue 2)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError


def normalize_phone(value: str, *, default_region: str = "PK") -> str:
    try:
        parsed = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Not a phone number.", code="phone_unparseable") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("Not a valid phone number.", code="phone_invalid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
