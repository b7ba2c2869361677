"""rabta generate_directory --offices N --seed S: the generated demo directory."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rabta.core.errors import DomainError
from rabta.directory.demo import demo_directory_create


class Command(BaseCommand):
    help = "Generate a realistic directory of at least N offices across all governments (idempotent, seeded)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--offices", type=int, default=7500, help="Offices to generate (default 7,500).")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: the same seed gives the same directory."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, offices: int, seed: int, no_progress: bool, **options: Any) -> None:
        if offices < 1:
            raise CommandError(f"--offices must be a positive number of offices, not {offices}.")
        try:
            summary = demo_directory_create(offices=offices, seed=seed, progress=not no_progress)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"directory: {summary}")
