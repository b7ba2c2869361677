"""``rabta scorecards fold``: fold the complaint events not folded yet into the roll-ups."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from rabta.scorecards.services import FOLD_BATCH, SETTLE, rollup_fold_all

HELP = "Fold the complaint events not folded yet into the roll-ups (what the every-minute task does)."


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--batch-size", type=int, default=FOLD_BATCH, help="events per transaction")
    parser.add_argument(
        "--settle", type=float, default=SETTLE.total_seconds(), help="leave events younger than this (seconds)"
    )


def run(options: dict[str, Any], stdout: Any, stderr: Any) -> None:
    if options["batch_size"] < 1:
        stderr.write("--batch-size must be at least 1\n")
        raise SystemExit(2)
    folded = rollup_fold_all(batch_size=options["batch_size"], settle=timedelta(seconds=options["settle"]))
    stdout.write(f"folded {folded} events\n")
