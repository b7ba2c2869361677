"""The risk pages in the site's navigation (rabta.core.navigation): the analysts' rules, watch lists
and dashboard; the post-clearance audit list for analysts and customs managers; a border agency's selections, rules
and shares for its officers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.core.navigation import Entry
from rabta.risk.permissions import AUDIT_PAGE_READERS

ANALYSTS = frozenset({Role.RISK_ANALYST})
AGENCY_OFFICERS = frozenset({Role.AGENCY_OFFICER})

NAVIGATION = (
    Entry("risk:rules", _("Risk rules"), ANALYSTS, order=75),
    Entry("risk:watchlists", _("Watch lists"), ANALYSTS, order=76),
    Entry("risk:dashboard", _("Risk dashboard"), ANALYSTS, order=77),
    Entry("risk:audit", _("Post-clearance audit"), frozenset(AUDIT_PAGE_READERS), order=78),
    # A border agency's own pages: its selections awaiting results, its rules, what it shared.
    Entry("risk_agency:selections", _("Agency selections"), AGENCY_OFFICERS, order=79),
    Entry("risk_agency:rules", _("Agency rules"), AGENCY_OFFICERS, order=80),
    Entry("risk_agency:shares", _("Shared watch lists"), AGENCY_OFFICERS, order=81),
)
