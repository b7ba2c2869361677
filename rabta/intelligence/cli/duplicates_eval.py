"""``rabta intelligence duplicates-eval --nyc FILE --boston FILE [--threshold T] [--json]``.

Precision and recall of the likely-duplicate similarity on the labelled 311 rows
(``rabta.intelligence.duplicates``); the two files are measured together (groups never mix them)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError

from rabta.intelligence.duplicates import THRESHOLD, Row, boston_rows, evaluate, nyc_rows

HELP = "Measure precision and recall of duplicate suggestions on NYC and Boston 311 rows."


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--nyc", type=Path, help="NYC 311 CSV (Resolution Description labels)")
    parser.add_argument("--boston", type=Path, help="Boston 311 CSV (closure_reason labels)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    if not options.get("nyc") and not options.get("boston"):
        raise CommandError("Give --nyc FILE, --boston FILE or both.")
    rows: list[Row] = []
    try:
        if options.get("nyc"):
            rows += [Row(r.created, ("nyc", *r.group), r.text, r.duplicate) for r in nyc_rows(options["nyc"])]
        if options.get("boston"):
            rows += [Row(r.created, ("boston", *r.group), r.text, r.duplicate) for r in boston_rows(options["boston"])]
    except (OSError, KeyError, ValueError) as error:
        raise CommandError(f"cannot read the file: {error!r}") from None
    figures = evaluate(rows, threshold=options["threshold"])
    if options.get("json"):
        stdout.write(json.dumps(figures, sort_keys=True) + "\n")
    else:
        for key, value in sorted(figures.items()):
            stdout.write(f"{key}: {value}\n")
