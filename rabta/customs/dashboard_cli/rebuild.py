"""``rabta customs_dashboard rebuild``: recompute the clearance dashboard's roll-ups from every
declaration's clearance trail (its events), as the moves would have written them."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from rabta.customs.services.rollups import REBUILD_BATCH, rollup_rebuild

HELP = "Recompute the clearance dashboard's roll-ups from the declarations and their events (one transaction)."


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError("must be at least 1")
    return number


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--batch-size", type=_at_least_one, default=REBUILD_BATCH, help="declarations read at a time")


def run(options: dict[str, Any], stdout: Any, stderr: Any) -> None:
    stdout.write(f"rebuilt the roll-ups from {rollup_rebuild(batch_size=options['batch_size']):,} declarations\n")
