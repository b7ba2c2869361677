"""What complaints tell complainants and offices (rabta.notifications.notices).

The names are stored in outbox rows: never rename one. The standing_* and decision_review_* notices
belong to the accountability and reviews features and move with them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rabta.notifications.notices import Notice

NOTICES: dict[str, Notice] = {
    "complaint_submitted": Notice(
        subject=_("Complaint %(tracking_number)s received"),
        body=_("Your complaint %(tracking_number)s has been sent to %(office)s. A reply is due by %(due)s."),
    ),
    "complaint_message": Notice(
        subject=_("New message on %(tracking_number)s"),
        body=_("The office has written to you about complaint %(tracking_number)s. Sign in to Rabta to read it."),
    ),
    "complaint_resolved": Notice(
        subject=_("Complaint %(tracking_number)s resolved"),
        body=_("The office has resolved complaint %(tracking_number)s. Please tell us if you are satisfied."),
    ),
    "complaint_appeal_closed": Notice(
        subject=_("Your appeal on %(tracking_number)s was decided"),
        body=_(
            "Your appeal on complaint %(tracking_number)s was decided: %(decision)s. The complaint is now "
            "closed. Sign in to Rabta to read the reasons."
        ),
    ),
    "complaint_appeal_reopened": Notice(
        subject=_("Your appeal on %(tracking_number)s was decided"),
        body=_(
            "Your appeal on complaint %(tracking_number)s was decided: %(decision)s. The complaint goes back "
            "to the office to carry out the decision. Sign in to Rabta to read the reasons."
        ),
    ),
    "complaint_escalated": Notice(
        subject=_("Complaint %(tracking_number)s escalated"),
        body=_("Complaint %(tracking_number)s was not resolved in time and has been sent to senior officers."),
    ),
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
    "decision_review_decided": Notice(
        subject=_("Decision review %(reference)s decided"),
        body=_(
            "Your review %(reference)s of decision %(decision)s has been decided: %(result)s. "
            "Sign in to Rabta to read the reasons."
        ),
    ),
    "office_deadline_reminder": Notice(
        subject=_("Deadlines due at %(office)s: %(count)s"),
        body=_(
            "These complaints at %(office)s have a deadline within a day, or one already passed: "
            "%(complaints)s. Open your Rabta inbox to act on them."
        ),
    ),
}
