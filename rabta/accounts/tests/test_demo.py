"""Demo logins: one per role, idempotent, staff with the published TOTP key."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_KEY_BASE32, demo_logins_text, demo_users_create
from rabta.accounts.models import User
from rabta.accounts.roles import Role
from rabta.directory.demo import demo_directory_create

pytestmark = pytest.mark.django_db


def test_without_a_directory_the_demo_users_say_so_and_write_nothing():
    with pytest.raises(CommandError, match="directory"):
        demo_users_create()
    assert not User.objects.exists()


def test_demo_users_are_created_once_per_role():
    demo_directory_create(offices=1200, seed=2026)
    first = demo_users_create()
    users_after_first = User.objects.count()
    second = demo_users_create()

    assert first.startswith(f"{len(DEMO_LOGINS)} created")
    assert second.startswith("0 created")
    assert User.objects.count() == users_after_first == len(DEMO_LOGINS)
    assert {login.role for login in DEMO_LOGINS} == set(Role)  # one login per declared role
    for login in DEMO_LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(DEMO_PASSWORD)
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        assert has_device == (login.role != Role.COMPLAINANT)
    assert not User.objects.filter(is_superuser=True).exists()


def test_demo_totp_prints_the_code_an_authenticator_app_would_show():
    import base64

    demo_directory_create(offices=1200, seed=2026)
    demo_users_create()
    out = StringIO()
    call_command("demo_totp", "officer@demo.rabta.pk", stdout=out)
    expected = totp(base64.b32decode(DEMO_TOTP_KEY_BASE32))
    assert out.getvalue().strip() == f"{expected:06d}"
    with pytest.raises(CommandError):
        call_command("demo_totp", "someone@example.com")


def test_logins_text_lists_every_login_and_the_totp_command():
    demo_directory_create(offices=1200, seed=2026)
    text = demo_logins_text()
    for login in DEMO_LOGINS:
        assert login.email in text
    assert "demo_totp" in text
    assert "(directory not loaded)" not in text


def test_the_demo_logins_cannot_be_created_in_production_by_any_caller():
    with override_settings(PRODUCTION=True), pytest.raises(CommandError):
        demo_users_create()
    assert not User.objects.exists()


def test_demo_totp_prints_no_code_in_production_even_for_an_account_with_a_demo_address():
    out = StringIO()
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        call_command("demo_totp", DEMO_LOGINS[1].email, stdout=out)
    assert out.getvalue() == ""
