"""``Actor``: who does something, as every service's ``actor`` (or ``user``) parameter is typed.

A signed-in account, the anonymous visitor of a public page, or ``None`` for the system itself
(a sweep, a command, a migration). Services never ask which of the three by ``isinstance``: they
ask ``is_authenticated`` and the permissions layer of their app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from rabta.core.errors import CoreError, NotAuthenticated

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rabta.accounts.models import User

Actor: TypeAlias = "User | AnonymousUser | None"


def is_signed_in(actor: Actor) -> TypeGuard[User]:
    """Is ``actor`` a signed-in account (not the anonymous visitor, not the system)? Narrows the
    type for what follows, so callers read ``actor.roles`` without asking ``getattr``."""
    return actor is not None and bool(actor.is_authenticated)


def signed_in(actor: Actor) -> User:
    """The account behind ``actor``, where the permissions layer has already admitted only
    signed-in people (an officer resolving, oversight revealing): the type says so from here on."""
    if not is_signed_in(actor):
        raise NotAuthenticated(CoreError.NOT_AUTHENTICATED, "Sign in first.")
    return actor


def signed_in_or_none(actor: Actor) -> User | None:
    """The account behind ``actor``, or ``None`` for the system and the anonymous visitor: what a
    "by whom" column stores."""
    return actor if is_signed_in(actor) else None
