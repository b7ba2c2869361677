"""``rabta risk activate``: make an approved model the one that scores (its file is checked first)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

HELP = "Activate an approved model: --version N (a file not matching its hash or features is refused)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", type=int, required=True)


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from django.core.management.base import CommandError

    from rabta.core.errors import DomainError
    from rabta.risk.models import RiskModel
    from rabta.risk.services.models import model_activate

    model = RiskModel.objects.filter(version=options["version"]).first()
    if model is None:
        raise CommandError("no such model version")
    try:
        model_activate(actor=None, model=model)
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    stdout.write(f"model v{model.version} active\n")
