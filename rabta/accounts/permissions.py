"""Who may manage whose account: written once, called by the account services (and read by the
admin only to decide what to show).

A system administrator who is not a superuser manages accounts *at or below* their own level:
complainants and staff whose every role is one an administrator may grant. Everything above that
(superusers, other administrators, anyone who reads complaints or may reveal an identity) is a
superuser's to manage, so no administrator can reach complaint contents or a higher account
through an account they created, reset or re-routed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from rabta.accounts.roles import ROLE_DEFINITIONS, STAFF_ROLES, Role
from rabta.accounts.types import Actor, is_signed_in

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
