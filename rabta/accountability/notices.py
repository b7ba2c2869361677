"""What accountability tells complainants about their standing (rabta.notifications.notices).

The names are stored in outbox rows: never rename one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.notifications.notices import Notice

NOTICES: dict[str, Notice] = {
    "standing_warned": Notice(
        subject=_("A warning about your complaints"),
        body=_(
            "Officers judged some of your recent complaints not genuine. Nothing is limited yet. "
            "If you think this is wrong, you can appeal in Rabta."
        ),
    ),
    "standing_throttled": Notice(
        subject=_("Your new complaints are limited"),
        body=_(
            "Officers judged several of your recent complaints not genuine, so you can lodge one new "
            "complaint a day for now. You can appeal this in Rabta."
        ),
    ),
    "standing_suspended": Notice(
        subject=_("You cannot lodge new complaints for now"),
        body=_(
            "Officers judged many of your recent complaints not genuine, so new complaints from your "
            "account are suspended. Your open complaints go on. You can appeal this in Rabta."
        ),
    ),
    "standing_normal": Notice(
        subject=_("The limit on your complaints is lifted"),
        body=_("Your account is back to normal: you can lodge complaints as before."),
    ),
    "standing_appeal_granted": Notice(
        subject=_("Your appeal was granted"),
        body=_("Your appeal was granted and the limit on your account is lifted. Sign in to Rabta to read why."),
    ),
    "standing_appeal_refused": Notice(
        subject=_("Your appeal was refused"),
        body=_("Your appeal was refused and the limit on your account stands. Sign in to Rabta to read why."),
    ),
}
