"""The scorecards' page in the site's navigation (rabta.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.core.navigation import EVERYONE, Entry
from rabta.scorecards.permissions import LIVE_ROLES

NAVIGATION = (
    Entry("scorecards:index", _("Scorecards"), frozenset({EVERYONE}), order=95),
    Entry("scorecards:live", _("Live grievance dashboard"), frozenset(LIVE_ROLES), order=96),
)
