"""Load the demo: each installed app that has a ``demo.py`` loads its own part (the real
jurisdictions and a generated directory of offices, one login per role, demo complaints, and what
later domains add). Safe to run again: each step skips what is already there.

A domain's ``demo.py`` declares::

    DEMO_AFTER: tuple[str, ...] = ("directory",)  # labels of the apps whose demo it builds on

    def demo_load(*, offices: int, seed: int, shared_data: Path | None, stdout: TextIO) -> str:
        ...  # returns the summary line(s) printed

Core names no domain: the loaders are found through the app registry and run after the ones they
name in ``DEMO_AFTER`` (in INSTALLED_APPS order where the order is free).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from graphlib import CycleError, TopologicalSorter
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

DemoLoader = Callable[..., str]


def demo_loaders(app_configs: Iterable[AppConfig]) -> list[tuple[str, DemoLoader]]:
    """``(app label, demo_load)`` of every app with a demo, each after those it names in
    ``DEMO_AFTER``. An app waiting for one that has no demo, or a cycle, is refused."""
    found: dict[str, Any] = {}
    for config in app_configs:
        if config.module is not None and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "demo_load"):
                found[config.label] = module
    order: TopologicalSorter[str] = TopologicalSorter()
    for label, module in found.items():
        after = tuple(getattr(module, "DEMO_AFTER", ()))
        missing = [name for name in after if name not in found]
        if missing:
            raise CommandError(f"the {label} demo loads after {', '.join(missing)}, which has no demo loader")
        order.add(label, *after)
    try:
        return [(label, found[label].demo_load) for label in order.static_order()]
    except CycleError as exc:
        raise CommandError(f"the demo loaders wait for each other in a cycle: {exc.args[1]}") from None


class Command(BaseCommand):
    help = "Load demo data (idempotent). Called by `make run`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--offices", type=int, default=7500, help="Offices to generate (default 7,500).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same demo.")
        parser.add_argument(
            "--shared-data",
            type=Path,
            default=None,
            help="Folder of the shared real data sets (../shared/data); imported when given.",
        )

    def handle(self, *args: Any, offices: int, seed: int, shared_data: Path | None, **options: Any) -> None:
        if settings.PRODUCTION:
            # The demo accounts' password and TOTP key are published in the README: loaded into a
            # production database they would be open doors.
            raise CommandError("loaddemo refuses to run when RABTA_ENV=production: the demo logins are public")
        started = time.monotonic()
        for _label, demo_load in demo_loaders(apps.get_app_configs()):
            self.stdout.write(demo_load(offices=offices, seed=seed, shared_data=shared_data, stdout=self.stdout))
        self.stdout.write(f"demo loaded in {time.monotonic() - started:.1f} s")
