"""``rabta risk profiles``: recompute the risk profiles (hit rates) from the examination results."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

HELP = "Recompute risk profiles (hit rates per importer, declarant, code, origin, office and pairs)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from rabta.risk.services.profiles import profiles_refresh

    stdout.write(f"{profiles_refresh(actor=None)} profiles\n")
