"""Print a fresh set of secrets for a production environment file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rabta.core.config import generate_secrets


class Command(BaseCommand):
    help = "Print new RABTA_SECRET_KEY, RABTA_FIELD_ENCRYPTION_KEYS and RABTA_LOOKUP_HASH_KEY values."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, value in generate_secrets().items():
            self.stdout.write(f"{name}={value}")
