"""System checks run by `rabta check` and at start-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# Email backends that deliver nothing to anyone (they print, keep in memory, write files or drop).
DEVELOPMENT_EMAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)


def refuse_development_parts() -> None:
    """Stop start-up when RABTA_ENV=production is configured with a part that only suits a laptop.

    Raised from CoreConfig.ready(), so every entry point (gunicorn, celery, every command) refuses,
    not only `rabta check`. A console mail backend in production would print citizens' addresses and
    verification codes into the service's log instead of delivering them. (The SMS sender is the
    notifications app's to check: rabta.notifications.checks.)
    """
    if not settings.PRODUCTION:
        return
    if settings.DEBUG:
        # Debug pages show settings, SQL and local variables (phone numbers, codes) to any visitor.
        raise ImproperlyConfigured("RABTA_DEBUG: must be off when RABTA_ENV=production")
    if not settings.ALLOWED_HOSTS or any(host in {"*", ".", "testserver"} for host in settings.ALLOWED_HOSTS):
        # Any host would let a forged Host header into the links of password-reset mail.
        raise ImproperlyConfigured("RABTA_ALLOWED_HOSTS: name the site's host names (no '*') when RABTA_ENV=production")
    from django.core.mail.backends.base import BaseEmailBackend

    email_backend = import_string(settings.EMAIL_BACKEND)
    development = tuple(import_string(path) for path in DEVELOPMENT_EMAIL_BACKENDS)
    if not issubclass(email_backend, BaseEmailBackend) or issubclass(email_backend, development):
        raise ImproperlyConfigured(
            f"RABTA_EMAIL_BACKEND: {settings.EMAIL_BACKEND} delivers no mail; production needs a real relay "
            "(e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST...)"
        )


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
