"""``rabta risk backtest``: train on KCS files, rank a later file, print precision@n% as JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

HELP = "Backtest the LightGBM targeting model: --train FILE... --test FILE, prints precision@n% JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["kcs"], default="kcs", help="input file format")
    parser.add_argument("--train", action="append", required=True, help="training CSV (repeatable)")
    parser.add_argument("--test", required=True, help="test CSV, dated after the training files")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0)


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from django.core.management.base import CommandError

    from rabta.risk.learning.backtest import BacktestError, backtest, read_kcs

    try:
        result = backtest(read_kcs(options["train"]), read_kcs([options["test"]]), seed=options["seed"])
    except (BacktestError, OSError) as exc:
        raise CommandError(str(exc)) from exc
    data = result.as_dict()
    if options["json"]:
        stdout.write(json.dumps(data, sort_keys=True) + "\n")
    else:
        for pct, value in data["precision_at"].items():
            oracle = data["oracle_precision_at"][pct]
            stdout.write(f"precision@{pct}%: {value:.3f} (oracle {oracle:.3f})\n")
        stdout.write(f"auc: {data['auc']:.3f}  n_test: {data['n_test']}\n")
