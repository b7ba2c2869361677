from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rabta.complaints.services.attachments import attachments_clean_stored


class Command(BaseCommand):
    help = (
        "Clean the files stored before attachments were cleaned at upload (metadata removed as an upload "
        "would be today); idempotent. Files that cannot be cleaned are listed and stay unserved to offices "
        "of complaints whose identity is hidden from them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = attachments_clean_stored()
        self.stdout.write(f"cleaned: {result.cleaned}; cannot be cleaned: {len(result.refused)}")
        for pk in result.refused:
            self.stdout.write(f"  attachment {pk}: unreadable or not allowed, left as stored")
