"""Production refuses the parts that only suit a laptop: console or in-memory delivery of mail and
SMS (which would print phone numbers and codes into the log) and the demo logins (public password,
published TOTP key)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from rabta.accounts.models import User
from rabta.core.checks import DEVELOPMENT_EMAIL_BACKENDS, refuse_development_parts
from rabta.core.config import generate_secrets

SMTP = "django.core.mail.backends.smtp.EmailBackend"
HOSTS = ["rabta.example.gov.pk"]
HTTP_SMS = "rabta.notifications.senders.HttpSmsSender"
GATEWAY = {"url": "https://sms.example.pk/send", "body_template": '{"to": "$to", "text": "$body"}'}
DEVELOPMENT_SMS_SENDERS = [
    "rabta.notifications.senders.ConsoleSmsSender",
    "rabta.notifications.senders.LocmemSmsSender",
]


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


@pytest.mark.parametrize("sender", [*DEVELOPMENT_SMS_SENDERS, "rabta.core.tests.test_production.PrintingSender"])
def test_production_refuses_an_sms_sender_that_delivers_nothing(sender):
    with (
        override_settings(PRODUCTION=True, ALLOWED_HOSTS=HOSTS, EMAIL_BACKEND=SMTP, RABTA_SMS_BACKEND=sender),
        pytest.raises(ImproperlyConfigured, match="RABTA_SMS_BACKEND"),
    ):
        refuse_development_parts()


def test_production_refuses_a_gateway_reached_over_plain_http():
    gateway = {**GATEWAY, "url": "http://sms.example.pk/send"}
    with (
        override_settings(
            PRODUCTION=True,
            ALLOWED_HOSTS=HOSTS,
            EMAIL_BACKEND=SMTP,
            RABTA_SMS_BACKEND=HTTP_SMS,
            RABTA_SMS_GATEWAY=gateway,
        ),
        pytest.raises(ImproperlyConfigured, match="RABTA_SMS_GATEWAY_URL"),
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


def test_production_with_a_relay_and_a_gateway_starts():
    with override_settings(
        PRODUCTION=True, ALLOWED_HOSTS=HOSTS, EMAIL_BACKEND=SMTP, RABTA_SMS_BACKEND=HTTP_SMS, RABTA_SMS_GATEWAY=GATEWAY
    ):
        refuse_development_parts()


def test_development_profiles_keep_the_console():
    with override_settings(PRODUCTION=False, RABTA_SMS_BACKEND=DEVELOPMENT_SMS_SENDERS[0]):
        refuse_development_parts()


@pytest.mark.django_db
def test_loaddemo_refuses_to_run_in_production_and_creates_no_login():
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        call_command("loaddemo", offices=5)
    assert not User.objects.filter(email__endswith="@demo.rabta.pk").exists()


@pytest.mark.django_db
def test_the_demo_logins_cannot_be_created_in_production_by_any_caller():
    from rabta.accounts.demo import demo_users_create

    with override_settings(PRODUCTION=True), pytest.raises(CommandError):
        demo_users_create()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_totp_prints_no_code_in_production_even_for_an_account_with_a_demo_address():
    from io import StringIO

    from rabta.accounts.demo import DEMO_LOGINS

    out = StringIO()
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        call_command("demo_totp", DEMO_LOGINS[1].email, stdout=out)
    assert out.getvalue() == ""


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

from rabta.notifications.senders import SmsSender  # noqa: E402


class QuietConsole(_Console):
    pass


class PrintingSender(SmsSender):
    development_only = True

    def send(self, message):
        pass
