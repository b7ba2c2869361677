"""The site's navigation, by role: each domain declares its entries in its own ``navigation.py``
(``NAVIGATION: tuple[Entry, ...]``), collected here through the app registry, as notices and
demo loaders are, so that core names no domain's pages or roles.

A page that does not exist yet (its URL name does not resolve) is simply left out, so the officer,
supervisor and oversight pages join the navigation by adding their entry and their URLs, with no
template change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

EVERYONE = "everyone"  # signed in or not
SIGNED_OUT = "signed_out"


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    audience: frozenset[str]  # role values, or EVERYONE / SIGNED_OUT
    order: int = 100  # place in the bar, smallest first, across every domain's entries
    # A finer test than the roles, from the domain's permissions.py (an office's reach, say): asked
    # only of a user whose roles are in the audience.
    allowed: Callable[[Any], bool] | None = None


@lru_cache(maxsize=1)
def navigation_entries() -> tuple[Entry, ...]:
    """Every installed app's entries, by ``order`` (then app order)."""
    entries: list[Entry] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.navigation"
        if config.name.startswith("rabta.") and find_spec(name) is not None:
            entries += getattr(import_module(name), "NAVIGATION", ())
    return tuple(sorted(entries, key=lambda entry: entry.order))


def navigation_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The entries this user sees, as ``{"url", "label", "current"}``, in the order above."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    roles = set(getattr(user, "roles", set())) if signed_in else set()
    audience = roles | {EVERYONE} | (set() if signed_in else {SIGNED_OUT})
    items = []
    for entry in navigation_entries():
        if not entry.audience & audience:
            continue
        if entry.allowed is not None and not entry.allowed(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": entry.label, "current": current_path == url})
    return items
