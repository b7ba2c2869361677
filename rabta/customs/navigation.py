"""The customs staff pages in the site's navigation (rabta.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.core.navigation import Entry
from rabta.customs.permissions import DASHBOARD_ROLES, IMPORT_ROLES, PAGE_ROLES, may_see_dashboard

NAVIGATION = (
    Entry("customs:declarations", _("Declarations"), frozenset(PAGE_ROLES), order=70),
    # Only for those whose reach holds a collectorate (an oversight unit without one has no dashboard).
    Entry(
        "customs:dashboard", _("Clearance dashboard"), frozenset(DASHBOARD_ROLES), order=71, allowed=may_see_dashboard
    ),
    Entry("customs:imports", _("Import declarations"), frozenset(IMPORT_ROLES), order=72),
)
