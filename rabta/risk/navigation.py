"""The risk pages in the site's navigation (rabta.core.navigation): the analysts' rules, watch lists
and dashboard; the post-clearance audit list for analysts and customs managers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.core.navigation import Entry
from rabta.risk.permissions import AUDIT_PAGE_READERS

ANALYSTS = frozenset({Role.RISK_ANALYST})

NAVIGATION = (
    Entry("risk:rules", _("Risk rules"), ANALYSTS, order=75),
    Entry("risk:watchlists", _("Watch lists"), ANALYSTS, order=76),
    Entry("risk:dashboard", _("Risk dashboard"), ANALYSTS, order=77),
    Entry("risk:audit", _("Post-clearance audit"), frozenset(AUDIT_PAGE_READERS), order=78),
)
