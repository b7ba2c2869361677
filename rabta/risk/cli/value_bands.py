"""``rabta risk value-bands --rebuild``: learn the value bands again from the declarations."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any, TextIO

HELP = "Value control bands: --rebuild learns them from the last --months of declarations; without it, list counts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from rabta.risk.valuation import DEFAULT_WINDOW_MONTHS, MIN_SAMPLE

    parser.add_argument("--rebuild", action="store_true", help="learn the bands again and replace the stored ones")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="last day of the window (YYYY-MM-DD)")
    parser.add_argument("--months", type=int, default=DEFAULT_WINDOW_MONTHS, help="length of the window")
    parser.add_argument("--min-sample", type=int, default=MIN_SAMPLE, help="rows a band needs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from django.core.management.base import CommandError

    from rabta.core.errors import DomainError
    from rabta.risk.models_valuation import ValueBand, ValueControlRun
    from rabta.risk.valuation import value_bands_rebuild
    from rabta.risk.vocab_valuation import RunKind

    if options["rebuild"]:
        try:
            built = value_bands_rebuild(
                actor=None, as_of=options["as_of"], months=options["months"], min_sample=options["min_sample"]
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from exc
    else:
        latest = ValueControlRun.objects.filter(kind=RunKind.BANDS).order_by("-pk").first()
        if latest is None:
            raise CommandError("no value bands yet: run `rabta risk value-bands --rebuild`")
        built = latest
    data = {
        "run": built.pk,
        "window_start": str(built.window_start),
        "window_end": str(built.window_end),
        **built.counts,
        "stored_bands": ValueBand.objects.count(),
    }
    if options["json"]:
        stdout.write(json.dumps(data, sort_keys=True) + "\n")
    else:
        stdout.write(
            f"value bands (run {data['run']}, {data['window_start']} to {data['window_end']}): "
            f"{data.get('bands', 0)} bands from {data.get('history_rows', 0)} items; by level {data.get('by_level', {})}\n"
        )
