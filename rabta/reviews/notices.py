"""What decision reviews tells applicants (rabta.notifications.notices).

The names are stored in outbox rows: never rename one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.notifications.notices import Notice

NOTICES: dict[str, Notice] = {
    "decision_review_decided": Notice(
        subject=_("Decision review %(reference)s decided"),
        body=_(
            "Your review %(reference)s of decision %(decision)s has been decided: %(result)s. "
            "Sign in to Rabta to read the reasons."
        ),
    ),
}
