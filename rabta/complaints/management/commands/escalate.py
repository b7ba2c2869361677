from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rabta.complaints.services.clock import clock_resume_overdue
from rabta.complaints.services.escalation import escalation_notify, escalation_sweep
from rabta.complaints.services.feedback import closure_sweep
from rabta.complaints.services.reminders import reminder_sweep
from rabta.notifications.services import outbox_deliver_pending


class Command(BaseCommand):
    help = (
        "Run the periodic sweeps now, each idempotent: restart clocks paused past the limit, escalate, "
        "tell complainants of escalations not yet told, remind offices of deadlines, close complaints whose "
        "feedback window ran out, send the messages whose retry is due."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        resumed = clock_resume_overdue()  # first, so a restarted clock escalates on time
        result = escalation_sweep()
        # The embedded default has no beat: this catches escalations whose message the sweep's own
        # kick did not write (a run killed after a batch committed). Usually it finds none.
        notified = escalation_notify()
        reminded = reminder_sweep()
        closed = closure_sweep()
        delivered = outbox_deliver_pending()  # the embedded default's retry sweep (production: beat)
        self.stdout.write(
            f"clocks restarted: {resumed}; escalated to supervisor: {result.to_supervisor}, to head: {result.to_head}; "
            f"earlier escalations told now: {notified.escalations}; "
            f"reminded: {reminded.complaints} complaints at {reminded.offices} offices "
            f"({reminded.notifications} messages, {reminded.offices_unreachable} offices with nobody to tell); closed unconfirmed: {closed}; messages delivered: {delivered}"
        )
