"""``rabta intelligence train [--out PATH] [--if-absent] [--no-history] [--per-key N] [--json]``.

Trains the category model suggestions use (``rabta.intelligence.training``) and writes it to
``settings.RABTA_INTELLIGENCE_MODEL`` (or ``--out``): ``PATH.npz`` and ``PATH.json``, its manifest
with the version, the sources and the figures. ``make run`` calls it with ``--if-absent``, so a
first run has a model in a few seconds and later runs keep the one they have."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError

from rabta.core.errors import DomainError
from rabta.intelligence.suggest import model_path
from rabta.intelligence.training import suggest_model_train

HELP = "Train the category-suggestion model from generated text and confirmed complaints."


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="where to write it (PATH.npz + PATH.json); default: the setting")
    parser.add_argument("--if-absent", action="store_true", help="do nothing when a model is there already")
    parser.add_argument("--no-history", action="store_true", help="generated text only, no complaints")
    parser.add_argument("--per-key", type=int, default=40, help="generated complaints per category (default 40)")
    parser.add_argument("--json", action="store_true", help="print the manifest as JSON")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    path: Path = options.get("out") or model_path()
    if options.get("if_absent") and Path(f"{path}.json").exists() and Path(f"{path}.npz").exists():
        stdout.write(f"category model: kept ({path}.json)\n")
        return
    if options["per_key"] < 1:
        raise CommandError("--per-key: at least 1")
    try:
        manifest = suggest_model_train(path=path, use_history=not options.get("no_history"), per_key=options["per_key"])
    except (DomainError, OSError) as error:
        raise CommandError(str(error)) from None
    if options.get("json"):
        stdout.write(json.dumps(manifest, sort_keys=True) + "\n")
        return
    figures = manifest["metrics"]
    stdout.write(
        f"category model {manifest['version']}: {len(manifest['labels'])} categories, "
        f"{manifest['sources']['generated']} generated + {manifest['sources']['history']} confirmed complaints; "
        f"top-1 {figures['top1']}, top-3 {figures['top3']}, macro-F1 {figures['macro_f1']} ({figures['split']})\n"
        f"written to {path}.npz and {path}.json\n"
    )
