"""System checks run by `rabta check` and at start-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def production_profile(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if settings.PRODUCTION and settings.DEBUG:
        errors.append(checks.Error("RABTA_DEBUG must be off when RABTA_ENV=production", id="rabta.E001"))
    if settings.PRODUCTION and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            checks.Warning(
                "DATABASE_URL: production runs on PostgreSQL; SQLite is the embedded default", id="rabta.W001"
            )
        )
    return errors


@checks.register(checks.Tags.database)
def encryption_key_reads_stored_data(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if not databases:
        return []
    from rabta.core.crypto import DecryptionFailed, check_key_canary

    try:
        check_key_canary()
    except DecryptionFailed as exc:
        return [checks.Critical(str(exc), id="rabta.E002")]
    return []
