"""The intelligence pages in the site's navigation (rabta.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.core.navigation import Entry

NAVIGATION = (
    Entry("intelligence:recurring", _("Recurring problems"), frozenset({Role.OVERSIGHT}), order=62),
    Entry("intelligence:signals", _("Misuse signals"), frozenset({Role.OVERSIGHT}), order=64),
)
