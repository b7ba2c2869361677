"""``rabta scorecards fold``: fold the complaint events not folded yet into the roll-ups."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from rabta.scorecards.action_rollup import action_fold_all
from rabta.scorecards.cli._options import add_fold_arguments, fold_options
from rabta.scorecards.services import rollup_fold_all

HELP = "Fold the complaint events not folded yet into the roll-ups (what the every-minute task does)."


def add_arguments(parser: ArgumentParser) -> None:
    add_fold_arguments(parser, batch_help="events per transaction")


def run(options: dict[str, Any], stdout: Any, stderr: Any) -> None:
    stdout.write(f"folded {rollup_fold_all(**fold_options(options))} events\n")
    stdout.write(f"folded {action_fold_all(**fold_options(options))} accountability-action events\n")
