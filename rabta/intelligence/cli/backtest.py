"""``rabta intelligence backtest --train FILE --test FILE [--json] [--save PATH]``.

Trains the classifier on one file and measures it on another (JSON array or JSON Lines of
``{"input", "output"}``). Both files are de-duplicated on their normalised text, and test records
whose text is also in the training file are dropped (counted in ``n_leaked``), so the figures are
for unseen complaints."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError

from rabta.core.errors import DomainError
from rabta.intelligence.classifier import deduplicate, metrics, model_save, model_train, records_read
from rabta.intelligence.normalize import normalise

HELP = "Train on --train, measure top-1, top-3 and macro-F1 on --test."


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--train", required=True, type=Path)
    parser.add_argument("--test", required=True, type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--save", type=Path, help="write the trained model here (PATH.npz + PATH.json)")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    try:
        train = deduplicate(records_read(options["train"]))
        seen = {normalise(t) for t, _ in train}
        test_all = deduplicate(records_read(options["test"]))
        test = [(t, y) for t, y in test_all if normalise(t) not in seen]
        model = model_train([t for t, _ in train], [y for _, y in train])
        figures = metrics(model, [t for t, _ in test], [y for _, y in test])
    except (DomainError, OSError) as error:
        raise CommandError(str(error)) from None
    figures |= {"n_train": len(train), "n_leaked": len(test_all) - len(test)}
    if options.get("save"):
        model_save(model, options["save"], extra={"metrics": figures, "source": str(options["train"])})
    if options.get("json"):
        stdout.write(json.dumps(figures, sort_keys=True) + "\n")
    else:
        for key, value in sorted(figures.items()):
            stdout.write(f"{key}: {value}\n")
