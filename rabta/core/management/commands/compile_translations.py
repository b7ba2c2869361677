"""Compile the .po catalogues to .mo with polib, so no GNU gettext is needed on the machine.

Only catalogues whose .mo is missing or older than the .po are rebuilt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile Rabta's translation catalogues (.po to .mo) without GNU gettext."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild every catalogue.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        compiled = 0
        # The project catalogue (LOCALE_PATHS) and each app's own (rabta/<app>/locale/).
        locale_dirs = [Path(path) for path in settings.LOCALE_PATHS]
        locale_dirs += sorted(Path(settings.BASE_DIR).glob("*/locale"))
        for locale_dir in locale_dirs:
            for po_path in locale_dir.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
        if compiled:
            self.stdout.write(f"compiled {compiled} translation catalogue(s)")
