"""The options ``fold`` and ``rebuild`` share: how many events a transaction reads, and how old an
event must be before it is folded."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from datetime import timedelta
from typing import Any

from rabta.scorecards.services import FOLD_BATCH, SETTLE


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError("must be at least 1")
    return number


def add_fold_arguments(parser: ArgumentParser, *, batch_help: str) -> None:
    parser.add_argument("--batch-size", type=_at_least_one, default=FOLD_BATCH, help=batch_help)
    parser.add_argument(
        "--settle", type=float, default=SETTLE.total_seconds(), help="leave events younger than this (seconds)"
    )


def fold_options(options: dict[str, Any]) -> dict[str, Any]:
    return {"batch_size": options["batch_size"], "settle": timedelta(seconds=options["settle"])}
