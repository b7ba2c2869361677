"""``rabta exchange import --agreement ID FILE [--json]``: import a partner's export declarations."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

HELP = "Import a partner's WCO-shaped export declarations (JSON or XML, by the file's suffix); every reject is printed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agreement", type=int, required=True)
    parser.add_argument("--format", choices=["json", "xml"], default=None, help="default: from the file's suffix")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("file")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from django.core.management.base import CommandError

    from rabta.core.errors import DomainError
    from rabta.exchange.models import Agreement
    from rabta.exchange.services import partner_import

    agreement = Agreement.objects.filter(pk=options["agreement"]).first()
    if agreement is None:
        raise CommandError(f"There is no agreement {options['agreement']}.")
    path = Path(options["file"])
    file_format = options["format"] or ("xml" if path.suffix.lower() == ".xml" else "json")
    try:
        stored = partner_import(
            actor=None, agreement=agreement, data=path.read_bytes(), file_format=file_format, name=path.name
        )
    except DomainError as exc:
        raise CommandError(f"{exc.code}: {exc}") from exc
    data: dict[str, Any] = {
        "import": stored.pk,
        "status": stored.status,
        "rows": stored.rows,
        "findings": stored.findings,
        "rejects": list(stored.rejects.values("row", "element", "field", "code", "reason")),
    }
    if options["json"]:
        stdout.write(json.dumps(data, sort_keys=True) + "\n")
        return
    stdout.write(f"import #{stored.pk}: {stored.status}, {stored.rows} rows, {stored.findings} mirror findings\n")
    for reject in data["rejects"]:
        stdout.write(f"  row {reject['row']} {reject['element']}: {reject['code']} ({reject['reason']})\n")
