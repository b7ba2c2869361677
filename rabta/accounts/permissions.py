"""Who may manage whose account: written once, called by the account services (and read by the
admin only to decide what to show).

A system administrator who is not a superuser manages accounts *at or below* their own level:
complainants and staff whose every role is one an administrator may grant. Everything above that
(superusers, other administrators, anyone who reads complaints or may reveal an identity) is a
superuser's to manage, so no administrator can reach complaint contents or a higher account
through an account they created, reset or re-routed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeGuard

from django.utils.translation import gettext as _

from rabta.accounts.errors import AccountsError
from rabta.accounts.roles import ROLE_DEFINITIONS, STAFF_ROLES, Role
from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import Forbidden

if TYPE_CHECKING:
    from rabta.accounts.models import User

# Roles a system administrator who is not a superuser may grant and revoke: none that reads
# complaints or reveals an identity (an administrator could hold it through an account they made),
# and not the administrator role itself (making administrators is a superuser's decision).
ADMINISTRATOR_GRANTABLE_ROLES = frozenset(
    role
    for role, spec in ROLE_DEFINITIONS.items()
    if spec.is_staff_role
    and not spec.sees_complaint_contents
    and not spec.may_reveal_identity
    and role != Role.ADMINISTRATOR
)


def is_active_superuser(actor: Actor) -> bool:
    return bool(is_signed_in(actor) and actor.is_active and actor.is_superuser)


def is_active_administrator(actor: Actor) -> TypeGuard[User]:
    """An administrator by role (not merely by ``is_staff`` or permissions), and active."""
    return bool(is_signed_in(actor) and actor.is_active and Role.ADMINISTRATOR in actor.roles)


def role_grantable_by(actor: Actor, role: str) -> bool:
    """May ``actor`` grant (or revoke) ``role``? ``None`` is the system itself (registration,
    commands, the demo), which the caller vouches for."""
    if actor is None:
        return True
    if is_active_superuser(actor):
        return True
    return is_active_administrator(actor) and role in ADMINISTRATOR_GRANTABLE_ROLES


def account_manageable_by(actor: Actor, user: User) -> bool:
    """May ``actor`` change ``user``'s account: its fields, roles, second factor, password reset?"""
    if actor is None or is_active_superuser(actor):
        return True
    if not is_active_administrator(actor):
        return False
    if user.pk is not None and user.pk == actor.pk:
        return True  # one's own harmless fields; self-grants and protected fields are refused elsewhere
    if user.is_superuser:
        return False
    return (user.roles & STAFF_ROLES) <= ADMINISTRATOR_GRANTABLE_ROLES


def require_account_manageable(actor: Actor, user: User) -> None:
    if not account_manageable_by(actor, user):
        raise Forbidden.for_field("user", AccountsError.ACCOUNT_NOT_MANAGEABLE, _("You cannot manage this account."))


def require_role_grant(actor: Actor, user: User, role: str) -> None:
    """Refuse a grant ``actor`` may not make: nobody grants a role to themselves, and a person grants
    only the roles, to only the accounts, that the rules above allow. ``None`` is the system."""
    if actor is None:
        return
    if actor.pk == user.pk:
        raise Forbidden.for_field("user", AccountsError.ROLE_SELF_GRANT, _("Nobody can grant a role to themselves."))
    if not role_grantable_by(actor, role):
        raise Forbidden.for_field("role", AccountsError.ROLE_NOT_GRANTABLE, _("You cannot grant this role."))
    require_account_manageable(actor, user)


def require_role_revoke(actor: Actor, user: User, role: str) -> None:
    """Refuse a revocation ``actor`` may not make. Giving up one's own role is always allowed."""
    if actor is None or actor.pk == user.pk:
        return
    if not role_grantable_by(actor, role):
        raise Forbidden.for_field("role", AccountsError.ROLE_NOT_GRANTABLE, _("You cannot revoke this role."))
    require_account_manageable(actor, user)


# What an administrator may change on an account by hand. Everything else has its own service
# (roles, passwords, verification, second factor) or is a superuser's: admin access, superuser
# status and the contact details a password reset is sent to (changing them would let the
# administrator take the account over).
USER_FIELDS_ADMINISTRATORS_EDIT = frozenset({"full_name", "preferred_language", "is_active"})
USER_FIELDS_SUPERUSERS_EDIT = USER_FIELDS_ADMINISTRATORS_EDIT | {"email", "is_staff", "is_superuser"}


def user_fields_editable_by(actor: Actor) -> frozenset[str]:
    return USER_FIELDS_SUPERUSERS_EDIT if is_active_superuser(actor) else USER_FIELDS_ADMINISTRATORS_EDIT


def require_fields_editable(actor: Actor, fields: Iterable[str]) -> None:
    """Refuse (naming the first, in order) a field of an account ``actor`` may not change by hand."""
    refused = sorted(set(fields) - user_fields_editable_by(actor))
    if refused:
        raise Forbidden.for_field(refused[0], AccountsError.FIELD_NOT_EDITABLE, _("You cannot change this field."))


def is_staff_account(user: Any) -> bool:
    """Whoever can reach a staff surface: a staff role (pages, API), or admin access by flag or
    superuser status even with no role. Their sessions need a second factor and end when idle."""
    return bool(user.is_staff or user.is_superuser or (user.roles & STAFF_ROLES))


def may_enter_admin(user: Any) -> bool:
    """The admin's door, before the second factor: an active account with admin access whose roles
    justify it (a staff role), or a superuser. The ``is_staff`` flag alone does not open it."""
    if not (user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or user.roles & STAFF_ROLES)
