"""``rabta tariff import-hs --codes FILE --sections FILE [--json]``: load or refresh the HS tree.

Idempotent (a second run changes nothing). The progress bar goes to standard error; with
``--json`` standard output gets one JSON object: ``{"sections_created": N, "sections_updated": N,
"created": N, "updated": N, "unchanged": N, "rejected": N, "rejects": [{"row", "field", "code",
"message"}]}`` (rows numbered as in the file, the header being row 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rabta.core.errors import DomainError


class Command(BaseCommand):
    help = "Integrated tariff: import-hs loads the HS nomenclature."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        hs = commands.add_parser(
            "import-hs", help="Load or refresh the HS sections, chapters, headings and subheadings."
        )
        hs.add_argument("--codes", type=Path, required=True, help="harmonized-system.csv (UN Comtrade HS 2022)")
        hs.add_argument("--sections", type=Path, required=True, help="sections.csv")
        hs.add_argument("--json", action="store_true", help="Print one JSON object with the counts and rejects.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        from rabta.tariff.services.hs_import import hs_import

        try:
            result = hs_import(codes_path=options["codes"], sections_path=options["sections"], progress=True)
        except DomainError as error:
            raise CommandError(error.message) from error
        summary = result.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        counts = ", ".join(f"{key} {value}" for key, value in summary.items() if key != "rejects")
        self.stdout.write(f"HS import: {counts}")
        for reject in result.rejects[:20]:
            self.stderr.write(f"row {reject['row']}: {reject['field']}: {reject['message']} ({reject['code']})")
