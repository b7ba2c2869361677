"""The site's navigation, by role: one list of entries, each shown to the roles it serves.

A page that does not exist yet (its URL name does not resolve) is simply left out, so the officer,
supervisor and oversight pages join the navigation by adding their entry here and their URLs, with
no template change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role

EVERYONE = "everyone"  # signed in or not
SIGNED_OUT = "signed_out"


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    audience: frozenset[str]  # roles, or EVERYONE / SIGNED_OUT


STAFF = frozenset({Role.OFFICER, Role.SUPERVISOR})
ENTRIES: tuple[Entry, ...] = (
    Entry("complaints:lodge", _("Lodge a complaint"), frozenset({EVERYONE})),
    Entry("complaints:track", _("Track a complaint"), frozenset({EVERYONE})),
    Entry("complaints:mine", _("My complaints"), frozenset({Role.COMPLAINANT})),
    # Later pages, named now so they appear once their URLs exist.
    Entry("complaints:inbox", _("Inbox"), STAFF),
    Entry("complaints:escalations", _("Escalations"), frozenset({Role.SUPERVISOR})),
    Entry("complaints:oversight", _("Oversight"), frozenset({Role.OVERSIGHT})),
    Entry("directory:finder", _("Find an office"), frozenset({EVERYONE})),
)


def navigation_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The entries this user sees, as ``{"url", "label", "current"}``, in the order above."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    roles = set(getattr(user, "roles", set())) if signed_in else set()
    audience = roles | {EVERYONE} | (set() if signed_in else {SIGNED_OUT})
    items = []
    for entry in ENTRIES:
        if not entry.audience & audience:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": entry.label, "current": current_path == url})
    return items
