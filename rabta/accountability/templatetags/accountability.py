"""Template filters of the accountability partials."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def counts_for(counts: dict[Any, Any] | None, key: Any) -> Any:
    """``counts[key]`` or None: the action counts of one row of a table (the league's offices)."""
    return (counts or {}).get(key)
