from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rabta.complaints.services.escalation import escalation_sweep
from rabta.complaints.services.feedback import closure_sweep


class Command(BaseCommand):
    help = "Run one escalation sweep and one closure sweep now (both idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = escalation_sweep()
        closed = closure_sweep()
        self.stdout.write(
            f"escalated to supervisor: {result.to_supervisor}, to head: {result.to_head}; closed unconfirmed: {closed}"
        )
