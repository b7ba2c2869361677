"""Print the current one-time code of a demo staff account (demo keys are public by design)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts.demo import DEMO_LOGINS
from rabta.accounts.services import totp_current_code


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if settings.PRODUCTION:
            # No demo account exists in production (loaddemo refuses), so an account with a demo
            # address there is someone's real one: never print its code.
            raise CommandError("demo_totp refuses to run when RABTA_ENV=production")
        if email not in {login.email for login in DEMO_LOGINS}:
            raise CommandError(f"{email}: not a demo account; only demo accounts have published keys")
        device = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
        if device is None:
            raise CommandError(f"{email}: no confirmed authenticator; run `rabta loaddemo` first")
        self.stdout.write(totp_current_code(device))
