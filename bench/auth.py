"""Signed-in clients for the load generator: users, database sessions and CSRF tokens.

Sessions are written straight into the session store (what ``login()`` would write), so the
benchmark measures the request being benchmarked and not argon2 at sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Credentials:
    user_id: int
    cookie: str
    csrf: str

    def headers(self, **extra: str) -> dict[str, str]:
        return {
            "Cookie": self.cookie,
            "X-CSRFToken": self.csrf,
            "Content-Type": "application/json",
            "Referer": "http://127.0.0.1/",
            **extra,
        }


def session_for(user: Any, *, second_factor: bool = False) -> Credentials:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string  # the 32-character secret

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "rabta.accounts.backends.EmailOrPhoneBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor:
        # What django-otp stores after a verified code: staff pass StaffSecondFactorMiddleware.
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
        store["otp_device_id"] = device.persistent_id
    store.create()
    csrf = _get_new_csrf_string()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return Credentials(user_id=user.pk, cookie=cookie, csrf=csrf)


def complainants_create(count: int, *, prefix: str = "bench") -> list[Any]:
    from django.utils import timezone

    from rabta.accounts.models import ComplainantProfile, RoleAssignment, User
    from rabta.accounts.roles import Role

    now = timezone.now()
    users = []
    for i in range(count):
        user = User.objects.create_user(
            email=f"{prefix}.{i}@example.pk", password=None, full_name=f"Bench Complainant {i}", email_verified_at=now
        )
        ComplainantProfile.objects.create(user=user, complainant_type="citizen")
        RoleAssignment.objects.create(user=user, role=Role.COMPLAINANT)
        users.append(user)
    return users


def officer_create(*, office: Any, email: str = "bench.officer@gov.pk", role: str = "officer") -> Any:
    from django.utils import timezone

    from rabta.accounts.models import RoleAssignment, User

    user = User.objects.create_user(
        email=email, password=None, full_name="Bench Officer", email_verified_at=timezone.now()
    )
    RoleAssignment.objects.create(user=user, role=role, office=office)
    return user
