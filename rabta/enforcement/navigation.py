"""The enforcement pages in the site's navigation (rabta.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.core.navigation import Entry
from rabta.enforcement.permissions import TREND_READERS

NAVIGATION = (
    Entry("enforcement:incidents", _("Incidents"), frozenset(TREND_READERS), order=80),
    Entry("enforcement:review", _("Review queue"), frozenset({Role.ENFORCEMENT_SUPERVISOR}), order=81),
    Entry("enforcement:trends", _("Incident trends"), frozenset(TREND_READERS), order=82),
)
