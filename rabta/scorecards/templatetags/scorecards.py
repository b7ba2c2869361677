"""Formatting of the published measures (no arithmetic beyond display: the selectors compute)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from rabta.scorecards.definitions import BY_NAME

register = template.Library()


@register.filter
def measure(measures: Any, name: str) -> str:
    """``measures``' value of ``name`` as a reader sees it: a percentage, a band of days, a count,
    or a dash where there is nothing to divide by."""
    value = getattr(measures, name) if not isinstance(measures, dict) else measures.get(name)
    return value_as(value, name)


@register.filter
def value_as(value: Any, name: str) -> str:
    """A raw value of the measure ``name``, formatted as :func:`measure` does."""
    if value is None:
        return "–"
    kind = BY_NAME[name].kind if name in BY_NAME else "count"
    if kind == "rate":
        return f"{number_format(round(value * 100, 1), 1)}%"
    if kind == "days":
        return _("%(band)s days") % {"band": value}
    return number_format(value, force_grouping=True)


@register.filter
def lookup(mapping: Any, key: str) -> Any:
    return mapping.get(key) if mapping else None
