"""Load the demo: the real jurisdictions, a generated directory of offices, one login per role,
and (as domains arrive) demo items. Safe to run again: each step skips what is already there."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


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
        from rabta.accounts.demo import demo_users_create
        from rabta.directory.demo import demo_directory_create
        from rabta.directory.services import jurisdictions_load

        started = time.monotonic()
        jurisdictions_load()
        summary = demo_directory_create(offices=offices, seed=seed, progress=True)
        self.stdout.write(f"directory: {summary}")
        users = demo_users_create()
        self.stdout.write(f"demo users: {users}")
        from rabta.complaints.seed import complaint_categories_seed, demo_complaints_create

        self.stdout.write(f"complaint categories: {complaint_categories_seed()} created")
        self.stdout.write(f"complaints: {demo_complaints_create()}")
        from rabta.tariff.demo import demo_load as tariff_demo_load

        tariff_demo_load(shared_data=shared_data, stdout=self.stdout)
        self.stdout.write(f"demo loaded in {time.monotonic() - started:.1f} s")
