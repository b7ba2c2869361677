"""Who acts, as core sees it: an account of whatever user model the project installs, the anonymous
visitor, or ``None`` for the system. Core names no domain app (rabta/core/tests/
test_core_imports_no_domain.py), so it types the actor by Django's own base classes; the domains
use the precise ``rabta.accounts.types.Actor``, which is a narrower type of the same thing."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

CoreActor: TypeAlias = AbstractBaseUser | AnonymousUser | None


def account_or_none(actor: CoreActor) -> AbstractBaseUser | None:
    """The signed-in account behind ``actor``; ``None`` for the anonymous visitor and the system."""
    return actor if isinstance(actor, AbstractBaseUser) and actor.is_authenticated else None
