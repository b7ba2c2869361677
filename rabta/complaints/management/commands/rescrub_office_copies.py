from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rabta.complaints.services.office_copies import office_copies_rescrub


class Command(BaseCommand):
    help = (
        "Scrub again, with today's rules, the office's copies of hidden complainants' subjects, texts and "
        "messages (idempotent; run once after an upgrade that changes rabta/complaints/privacy.py)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{office_copies_rescrub()} office copies scrubbed again")
