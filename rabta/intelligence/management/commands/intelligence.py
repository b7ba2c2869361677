"""``rabta intelligence <action> ...``: the intelligence domain's commands, one module each in ``rabta/intelligence/cli/``."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rabta.intelligence import cli


def _actions() -> dict[str, Any]:
    return {
        info.name.replace("_", "-"): importlib.import_module(f"{cli.__name__}.{info.name}")
        for info in pkgutil.iter_modules(cli.__path__)
        if not info.name.startswith("_")
    }


class Command(BaseCommand):
    help = "Complaint intelligence: back-tests of the classifier (`rabta intelligence --help`)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        for name, module in sorted(_actions().items()):
            module.add_arguments(commands.add_parser(name, help=module.HELP))

    def handle(self, *args: Any, **options: Any) -> None:
        _actions()[options["action"]].run(options, self.stdout, self.stderr)
