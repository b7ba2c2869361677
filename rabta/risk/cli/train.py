"""``rabta risk train``: train a model on the examined declarations of a window (or on KCS files)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any, TextIO

HELP = "Train a model: --from DATE --to DATE (examined declarations) or --kcs FILE...; it then awaits approval"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=dt.date.fromisoformat, required=True, help="window start")
    parser.add_argument("--to", dest="end", type=dt.date.fromisoformat, required=True, help="window end")
    parser.add_argument("--kcs", action="append", default=[], help="train on KCS CSV files instead (repeatable)")
    parser.add_argument("--seed", type=int, default=0)


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    import polars as pl
    from django.core.management.base import CommandError

    from rabta.core.errors import DomainError
    from rabta.risk.learning.backtest import BacktestError, read_kcs
    from rabta.risk.services.models import model_train

    frame = None
    if options["kcs"]:
        try:
            frame = read_kcs(options["kcs"])
        except (BacktestError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        frame = frame.filter(pl.col("Date").is_between(options["start"], options["end"]))
    try:
        model = model_train(actor=None, start=options["start"], end=options["end"], frame=frame, seed=options["seed"])
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    stdout.write(
        json.dumps({"version": model.version, "sha256": model.sha256, "rows": model.rows, "metrics": model.metrics})
        + "\n"
    )
