"""Reads of accounts."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.db.models import F, Q

from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.validators import normalize_email, normalize_login, normalize_phone
from rabta.core.crypto import lookup_hash

# How many accounts one email address or phone number may stand for at sign-in. An identifier is
# unique only among *verified* holders (an unverified claim must not lock the real holder out), so
# a few accounts may claim the same one until someone verifies it; each costs a password hash.
MAX_LOGIN_CANDIDATES = 5


def identifier_filter(kind: str, value: str) -> Q:
    """The accounts that give this normalised email address or E.164 phone number."""
    if kind == "email":
        return Q(email=value)
    return Q(phone_hash=lookup_hash(value, purpose="phone"))


def users_for_login(login: str) -> list[User]:
    """The accounts a typed sign-in name may stand for, in the order their passwords are tried:
    the verified holder of the identifier first, then unverified claims from the oldest.

    Whatever spelling was typed (case, spaces, fullwidth letters, +92 / 0092 / 03xx, dashes), the
    same normalised identifier gives the same list."""
    normalized = normalize_login(login or "")
    if normalized is None:
        return []
    kind, value = normalized
    verified_field = "email_verified_at" if kind == "email" else "phone_verified_at"
    return list(
        User.objects.filter(identifier_filter(kind, value)).order_by(
            F(verified_field).asc(nulls_last=True), "date_joined", "pk"
        )[:MAX_LOGIN_CANDIDATES]
    )


def user_by_login(login: str) -> User | None:
    """The account a sign-in name stands for first (see users_for_login)."""
    users = users_for_login(login)
    return users[0] if users else None


def user_role_assignments(user: User) -> list[RoleAssignment]:
    """The user's active role assignments with their office and government, as the account page
    and /api/accounts/me describe them."""
    return list(user.role_assignments.filter(active=True).select_related("office", "government"))


def verified_holder(*, email: str = "", phone: str = "") -> User | None:
    """The account that has *verified* this email address or phone number (any spelling), if one
    has: an identifier is someone's only once they proved they hold it, so an unverified claim
    matches nothing. Used where another system names a person by their contacts (Open311); the
    answer is for the caller alone, never to be confirmed to whoever sent the contacts."""
    candidates: list[Q] = []
    if email:
        with contextlib.suppress(ValidationError):
            candidates.append(identifier_filter("email", normalize_email(email)) & Q(email_verified_at__isnull=False))
    if phone:
        with contextlib.suppress(ValidationError):
            candidates.append(identifier_filter("phone", normalize_phone(phone)) & Q(phone_verified_at__isnull=False))
    for condition in candidates:
        holder = User.objects.filter(condition, is_active=True).first()
        if holder is not None:
            return holder
    return None


def complainants_by_type() -> list[tuple[str, str, int]]:
    """Registered complainants by type (code, label, count), every type listed: one query. For the
    published scorecards; counts only."""
    from django.db.models import Count

    from rabta.accounts.choices import ComplainantType
    from rabta.accounts.models import ComplainantProfile

    found = dict(
        ComplainantProfile.objects.filter(user__is_active=True)
        .values("complainant_type")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("complainant_type", "n")
    )
    return [(kind.value, str(kind.label), found.get(kind.value, 0)) for kind in ComplainantType]
