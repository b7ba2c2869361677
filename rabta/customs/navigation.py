"""The customs staff pages in the site's navigation (rabta.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.core.navigation import Entry
from rabta.customs.permissions import IMPORT_ROLES, PAGE_ROLES

NAVIGATION = (
    Entry("customs:declarations", _("Declarations"), frozenset(PAGE_ROLES), order=70),
    Entry("customs:imports", _("Import declarations"), frozenset(IMPORT_ROLES), order=71),
)
