"""Accountability's pages in the site's navigation (rabta.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.core.navigation import Entry

NAVIGATION = (Entry("accountability:actions", _("Accountability actions"), frozenset({Role.OVERSIGHT}), order=62),)
