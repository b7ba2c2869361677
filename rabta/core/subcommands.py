"""``rabta <domain> <action> ...``: a domain's commands as one management command whose actions are
the modules of a package of its own (``rabta/<domain>/cli/``). Each module defines ``HELP`` (one
line), ``add_arguments(parser)`` and ``run(options, stdout, stderr)``; a new action is a new module,
and no shared file changes. Modules whose names start with ``_`` are helpers, not actions."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def actions(package: ModuleType) -> dict[str, ModuleType]:
    """The action modules of ``package``, by their command-line names (``duplicates-eval``)."""
    return {
        info.name.replace("_", "-"): importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    }


class SubcommandsCommand(BaseCommand):
    """Subclass with ``package`` (the domain's ``cli`` package) and ``help``."""

    package: ModuleType

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        for name, module in sorted(actions(self.package).items()):
            module.add_arguments(commands.add_parser(name, help=module.HELP))

    def handle(self, *args: Any, **options: Any) -> None:
        actions(self.package)[options["action"]].run(options, self.stdout, self.stderr)
