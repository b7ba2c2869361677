"""Reads of accounts."""

from __future__ import annotations

from rabta.accounts.models import User


def user_by_login(login: str) -> User | None:
    """Find a user by email address or phone number (normalised to E.164 first)."""
    from rabta.accounts.validators import normalize_phone
    from rabta.core.crypto import lookup_hash

    login = login.strip()
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    try:
        phone = normalize_phone(login)
    except Exception:
        return None
    return User.objects.filter(phone_hash=lookup_hash(phone, purpose="phone")).first()
