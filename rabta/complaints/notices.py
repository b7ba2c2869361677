"""What complaints tell complainants and offices (rabta.notifications.notices).

The names are stored in outbox rows: never rename one.
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
    "office_deadline_reminder": Notice(
        subject=_("Deadlines due at %(office)s: %(count)s"),
        body=_(
            "These complaints at %(office)s have a deadline within a day, or one already passed: "
            "%(complaints)s. Open your Rabta inbox to act on them."
        ),
    ),
}
