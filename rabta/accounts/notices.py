"""What accounts tell their owners: a password link, a reset second factor, someone else claiming
a confirmed identifier (rabta.notifications.notices). The names are stored in outbox rows: never
rename one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.notifications.notices import Notice

NOTICES: dict[str, Notice] = {
    "password_reset": Notice(
        subject=_("Choose your Rabta password"),
        body=_(
            "An administrator asked Rabta to let you choose a new password. Open this link to choose it: "
            "%(link)s If you did not expect this, tell your administrator."
        ),
    ),
    "second_factor_reset": Notice(
        subject=_("Your Rabta sign-in code app was reset"),
        body=_(
            "An administrator removed the authenticator app linked to your Rabta account. At your next "
            "sign-in you will set up a new one. If you did not ask for this, tell your administrator at once."
        ),
    ),
    "identifier_claimed": Notice(
        subject=_("Someone tried to register with your %(identifier)s"),
        body=_(
            "Someone asked to open a Rabta account with your %(identifier)s, which is confirmed on your "
            "account. If it was you, sign in instead (you can reset your password). If not, there is "
            "nothing to do: the other account cannot confirm it or use it to sign in as you."
        ),
    ),
}
