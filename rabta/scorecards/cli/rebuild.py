"""``rabta scorecards rebuild``: throw the roll-ups away and fold every event again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from rabta.scorecards.action_rollup import action_rebuild
from rabta.scorecards.cli._options import add_fold_arguments, fold_options
from rabta.scorecards.services import rollup_rebuild

HELP = "Recompute the roll-ups from every complaint event (one transaction)."


def add_arguments(parser: ArgumentParser) -> None:
    add_fold_arguments(parser, batch_help="events read at a time")


def run(options: dict[str, Any], stdout: Any, stderr: Any) -> None:
    stdout.write(f"rebuilt from {rollup_rebuild(**fold_options(options))} events\n")
    stdout.write(f"rebuilt the action counts from {action_rebuild(**fold_options(options))} events\n")
