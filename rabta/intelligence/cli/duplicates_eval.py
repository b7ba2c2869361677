"""``rabta intelligence duplicates-eval --nyc FILE --boston FILE [--threshold T] [--json]``.

Precision and recall of the likely-duplicate similarity on the labelled 311 rows
(``rabta.intelligence.duplicates``); the two files are measured together (groups never mix them).
``ranking`` adds, per scorer, recall@1/3/5 and MRR of the located originals of the labelled
duplicates (``rank_evaluate``), and ``ranking_repeats`` the same for every row with an earlier
report of its group at its place within the window, labelled or not (a larger, label-free proxy
for "the earlier report of the same problem here"). No scorer has a parameter fitted to these rows."""

from __future__ import annotations

import dataclasses
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError

from rabta.intelligence.duplicates import SCORERS, THRESHOLD, Row, boston_rows, evaluate, nyc_rows, rank_evaluate

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
            rows += [dataclasses.replace(r, group=("nyc", *r.group)) for r in nyc_rows(options["nyc"])]
        if options.get("boston"):
            rows += [dataclasses.replace(r, group=("boston", *r.group)) for r in boston_rows(options["boston"])]
    except (OSError, KeyError, ValueError) as error:
        raise CommandError(f"cannot read the file: {error!r}") from None
    figures: dict[str, Any] = dict(evaluate(rows, threshold=options["threshold"]))
    repeats = [dataclasses.replace(r, duplicate=True) for r in rows]
    figures["ranking"] = {name: rank_evaluate(rows, scorer) for name, scorer in SCORERS.items()}
    figures["ranking_repeats"] = {name: rank_evaluate(repeats, scorer) for name, scorer in SCORERS.items()}
    if options.get("json"):
        stdout.write(json.dumps(figures, sort_keys=True) + "\n")
    else:
        for key, value in sorted(figures.items()):
            stdout.write(f"{key}: {value}\n")
