"""Visibility: the one rule behind every read.

Each domain's queryset implements ``visible_to(user)``; selectors and views start from it, and an
item outside the user's scope is reported as not found (404), never as forbidden, so that its
existence does not leak.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from rabta.core.actors import CoreActor
from rabta.core.errors import NotFound

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(queryset: models.QuerySet[M], user: CoreActor, **lookup: Any) -> M:
    """Fetch one item within the user's scope, or raise NotFound whether it is missing or hidden."""
    visible = queryset.visible_to(user)  # type: ignore[attr-defined]
    try:
        return visible.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
