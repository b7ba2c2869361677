"""The complaint pages in the site's navigation (rabta.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.accounts.roles import Role
from rabta.core.navigation import EVERYONE, Entry

STAFF = frozenset({Role.OFFICER, Role.SUPERVISOR})
NAVIGATION = (
    Entry("complaints:lodge", _("Lodge a complaint"), frozenset({EVERYONE}), order=10),
    Entry("complaints:track", _("Track a complaint"), frozenset({EVERYONE}), order=20),
    Entry("complaints:mine", _("My complaints"), frozenset({Role.COMPLAINANT}), order=30),
    # Later pages, named now so they appear once their URLs exist.
    Entry("complaints:inbox", _("Inbox"), STAFF, order=40),
    Entry("complaints:escalations", _("Escalations"), frozenset({Role.SUPERVISOR}), order=50),
    Entry("complaints:oversight", _("Oversight"), frozenset({Role.OVERSIGHT}), order=60),
)
