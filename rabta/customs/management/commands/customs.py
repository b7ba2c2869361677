"""``rabta customs import --format kcs|csv|jsonl FILE [--json]``: bulk import of declarations.

Rejected rows are reported (row as in the file, the header being row 1; field; code; message)
and the good ones imported; a re-run imports what a killed run did not, and nothing twice. The
progress bar goes to standard error; with ``--json`` standard output is one JSON object.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from rabta.customs.cli import simulate
from rabta.customs.services.imports import FORMATS, KCS_EXCHANGE_RATE, declarations_import


class Command(BaseCommand):
    help = (
        "Customs data: `import --format kcs|csv|jsonl FILE [--json]` imports goods declarations; "
        "`simulate` streams declarations through clearance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        importing = commands.add_parser("import", help="Import goods declarations from a file.")
        importing.add_argument("--format", dest="file_format", choices=FORMATS, required=True)
        importing.add_argument("file", type=Path)
        importing.add_argument("--json", action="store_true", help="Print one JSON object with the result.")
        importing.add_argument(
            "--collectorate", default="", help="KCS only: the collectorate's office code the records are filed at."
        )
        importing.add_argument(
            "--exchange-rate",
            default=str(KCS_EXCHANGE_RATE),
            help="KCS only: rupees per won (the files carry no rate).",
        )

        # The simulator is an action module (rabta.core.subcommands' shape), added beside import.
        simulate.add_arguments(commands.add_parser("simulate", help=simulate.HELP))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "simulate":
            simulate.run(options, self.stdout, self.stderr)
            return
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            rate = Decimal(options["exchange_rate"])
        except InvalidOperation:
            raise CommandError("--exchange-rate: give a number") from None
        bar = tqdm(total=0, unit="rows", file=sys.stderr, disable=None, desc="import")

        def total(count: int) -> None:
            bar.total = count
            bar.refresh()

        def advance(count: int) -> None:
            bar.update(count)

        result = declarations_import(
            path=path,
            file_format=options["file_format"],
            collectorate=options["collectorate"],
            exchange_rate=rate,
            on_total=total,
            on_progress=advance,
        )
        bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        for reject in result.rejects:
            self.stdout.write(f"row {reject.row}: {reject.field}: {reject.code}: {reject.message}")
        self.stdout.write(
            f"imported {result.imported}, skipped (already there) {result.skipped_existing}, rejected {result.rejected}"
        )
