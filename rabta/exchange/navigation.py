"""The data exchange's pages in the site's navigation (rabta.core.navigation): agreements (with the
log and imports behind them) and the banks' requests, for the customs data exchange officers only,
who alone may see them (``permissions.EXCHANGE_ROLES``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.core.navigation import Entry
from rabta.exchange.permissions import EXCHANGE_ROLES

NAVIGATION = (
    Entry("exchange:agreements", _("Data exchange"), frozenset(EXCHANGE_ROLES), order=85),
    Entry("exchange:bank_requests", _("Bank requests"), frozenset(EXCHANGE_ROLES), order=86),
)
