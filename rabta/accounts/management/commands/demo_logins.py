"""Print the URL and the demo logins (called by `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rabta.accounts.demo import demo_logins_text


class Command(BaseCommand):
    help = "Print where Rabta is served and the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        self.stdout.write(f"\nRabta is starting at {url}  (Urdu: {url}ur/)\n")
        self.stdout.write(demo_logins_text())
