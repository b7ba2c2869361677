"""rabta load_jurisdictions [--file PATH]: load (or refresh) the jurisdictions, governments and departments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rabta.core.errors import DomainError
from rabta.directory.services import governments_load, jurisdictions_load_result


class Command(BaseCommand):
    help = "Load Pakistan's jurisdictions (and the governments and departments) shipped with Rabta. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help="A jurisdictions CSV (code,kind,name,name_ur,parent_code) instead of the shipped one.",
        )

    def handle(self, *args: Any, file: Path | None, **options: Any) -> None:
        try:
            result = jurisdictions_load_result(file)
            self.stdout.write(f"jurisdictions: {result}")
            if file is None:
                self.stdout.write(f"governments and departments: {governments_load()}")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
