"""Visibility: the one rule behind every read.

Each domain's queryset implements ``visible_to(user)``; selectors and views start from it, and an
item outside the user's scope is reported as not found (404), never as forbidden, so that its
existence does not leak.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from rabta.accounts.types import Actor, is_signed_in
from rabta.core.errors import NotFound

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(queryset: models.QuerySet[M], user: Actor, **lookup: Any) -> M:
    """Fetch one item within the user's scope, or raise NotFound whether it is missing or hidden."""
    visible = queryset.visible_to(user)  # type: ignore[attr-defined]
    try:
        return visible.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def user_roles(user: Actor) -> set[str]:
    """The role names a user holds (cached on the user object for the request)."""
    if not is_signed_in(user):
        return set()
    cached = getattr(user, "_rabta_roles", None)
    if cached is None:
        cached = set(user.role_assignments.filter(active=True).values_list("role", flat=True))
        user._rabta_roles = cached
    return set(cached)
