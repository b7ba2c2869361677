"""Production refuses the parts that only suit a laptop: console or in-memory delivery of mail
(which would print addresses and codes into the log) and the demo loader (public password,
published TOTP key). The SMS sender's refusals are the notifications app's
(rabta/notifications/tests/test_checks.py); the demo logins' own are accounts'
(rabta/accounts/tests/test_demo.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from rabta.core.checks import DEVELOPMENT_EMAIL_BACKENDS, refuse_development_parts
from rabta.core.config import generate_secrets

SMTP = "django.core.mail.backends.smtp.EmailBackend"
HOSTS = ["rabta.example.gov.pk"]
HTTP_SMS = "rabta.notifications.senders.HttpSmsSender"  # (named by path: the SMS sender is checked by notifications)
GATEWAY = {"url": "https://sms.example.pk/send", "body_template": '{"to": "$to", "text": "$body"}'}


@pytest.mark.parametrize("backend", DEVELOPMENT_EMAIL_BACKENDS)
def test_production_refuses_an_email_backend_that_delivers_nothing(backend):
    with (
        override_settings(
            PRODUCTION=True,
            ALLOWED_HOSTS=HOSTS,
            EMAIL_BACKEND=backend,
            RABTA_SMS_BACKEND=HTTP_SMS,
            RABTA_SMS_GATEWAY=GATEWAY,
        ),
        pytest.raises(ImproperlyConfigured, match="RABTA_EMAIL_BACKEND"),
    ):
        refuse_development_parts()


def test_a_subclass_of_a_development_email_backend_is_refused_too():
    with (
        override_settings(
            PRODUCTION=True,
            ALLOWED_HOSTS=HOSTS,
            EMAIL_BACKEND="rabta.core.tests.test_production.QuietConsole",
            RABTA_SMS_BACKEND=HTTP_SMS,
            RABTA_SMS_GATEWAY=GATEWAY,
        ),
        pytest.raises(ImproperlyConfigured, match="RABTA_EMAIL_BACKEND"),
    ):
        refuse_development_parts()


@pytest.mark.parametrize("hosts", [[], ["*"], ["rabta.example.gov.pk", "*"], ["testserver"]])
def test_production_refuses_missing_or_wildcard_hosts(hosts):
    with (
        override_settings(
            PRODUCTION=True,
            ALLOWED_HOSTS=hosts,
            EMAIL_BACKEND=SMTP,
            RABTA_SMS_BACKEND=HTTP_SMS,
            RABTA_SMS_GATEWAY=GATEWAY,
        ),
        pytest.raises(ImproperlyConfigured, match="RABTA_ALLOWED_HOSTS"),
    ):
        refuse_development_parts()


def test_production_refuses_debug():
    with (
        override_settings(PRODUCTION=True, DEBUG=True, EMAIL_BACKEND=SMTP, RABTA_SMS_BACKEND=HTTP_SMS),
        pytest.raises(ImproperlyConfigured, match="RABTA_DEBUG"),
    ):
        refuse_development_parts()


def test_production_with_a_relay_starts():
    with override_settings(
        PRODUCTION=True, ALLOWED_HOSTS=HOSTS, EMAIL_BACKEND=SMTP, RABTA_SMS_BACKEND=HTTP_SMS, RABTA_SMS_GATEWAY=GATEWAY
    ):
        refuse_development_parts()


def test_development_profiles_keep_the_console():
    with override_settings(PRODUCTION=False, EMAIL_BACKEND=DEVELOPMENT_EMAIL_BACKENDS[0]):
        refuse_development_parts()


@pytest.mark.django_db
def test_loaddemo_refuses_to_run_in_production_and_creates_no_login():
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        call_command("loaddemo", offices=5)
    assert not get_user_model().objects.filter(email__endswith="@demo.rabta.pk").exists()


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RABTA_", "DATABASE_URL", "DJANGO_", "REDIS_"))}
    env.update(generate_secrets())
    env.update(
        RABTA_ENV="production",
        RABTA_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="rabta.settings",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        RABTA_ALLOWED_HOSTS="rabta.example.gov.pk",
    )
    env.update(extra)
    return env


def _setup(env):
    code = "import django; django.setup()"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_a_production_process_with_the_default_console_backends_does_not_start(tmp_path):
    started = _setup(_production_env(tmp_path))
    assert started.returncode != 0
    assert "RABTA_EMAIL_BACKEND" in started.stderr

    started = _setup(_production_env(tmp_path, RABTA_EMAIL_BACKEND=SMTP))
    assert started.returncode != 0
    assert "RABTA_SMS_BACKEND" in started.stderr

    configured = _production_env(
        tmp_path,
        RABTA_EMAIL_BACKEND=SMTP,
        RABTA_SMS_BACKEND=HTTP_SMS,
        RABTA_SMS_GATEWAY_URL="https://sms.example.pk/send",
    )
    started = _setup(configured)
    assert started.returncode == 0, started.stderr


# Stand-ins for the subclass cases above (imported by dotted path).
from django.core.mail.backends.console import EmailBackend as _Console  # noqa: E402


class QuietConsole(_Console):
    pass
