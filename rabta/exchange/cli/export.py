"""``rabta exchange export --agreement ID --format json|xml --from D --to D FILE``: stream an export to a file (logged)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any, TextIO

HELP = "Export goods declarations (or --dataset incidents) of a period to a partner, WCO-shaped, into FILE"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agreement", type=int, required=True)
    parser.add_argument("--format", choices=["json", "xml"], default="json")
    parser.add_argument("--dataset", choices=["declarations", "incidents"], default="declarations")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    parser.add_argument("file")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from django.core.management.base import CommandError

    from rabta.core.errors import DomainError
    from rabta.exchange.models import Agreement
    from rabta.exchange.services import exchange_export

    agreement = Agreement.objects.filter(pk=options["agreement"]).first()
    if agreement is None:
        raise CommandError(f"There is no agreement {options['agreement']}.")
    try:
        export = exchange_export(
            actor=None,
            agreement=agreement,
            dataset=options["dataset"],
            file_format=options["format"],
            period_from=options["start"],
            period_to=options["end"],
        )
    except DomainError as exc:
        raise CommandError(f"{exc.code}: {exc}") from exc
    with open(options["file"], "w", encoding="utf-8") as out:
        for chunk in export.chunks:
            out.write(chunk)
    log = export.log
    assert log is not None  # written when the last chunk has gone
    stdout.write(f"{log.rows} rows, sha256 {log.checksum}, log #{log.pk}\n")
