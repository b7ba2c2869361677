from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rabta.complaints.seed import complaint_categories_seed


class Command(BaseCommand):
    help = "Create the complaint category tree and default deadline policies (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{complaint_categories_seed()} categories created")
