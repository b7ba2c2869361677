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


def office_staff_create() -> dict[str, int]:
    """Staff every active office as the directory describes it: a user in each post (the head of
    office as supervisor, the others as officers), and one officer where an office has no post (the
    stand-in directory). The demo directory creates posts but nobody in them, and an office with
    nobody assigned gets no reminder digest, so without this the reminder sweep would write none.
    Bulk-created, email only, like the bulk complainants; idempotent by email."""
    from django.utils import timezone

    from rabta.accounts.models import RoleAssignment, User
    from rabta.accounts.roles import Role
    from rabta.directory.models import Office, Post

    offices = set(Office.objects.filter(is_active=True).values_list("id", flat=True))
    posts = [post for post in Post.objects.values_list("id", "office_id", "is_head") if post[1] in offices]
    bare = offices - {office_id for _, office_id, _ in posts}
    # (email, office, role, post)
    wanted = [
        (f"staff.post{post_id}@gov.pk", office_id, Role.SUPERVISOR if is_head else Role.OFFICER, post_id)
        for post_id, office_id, is_head in posts
    ] + [(f"staff.office{office_id}@gov.pk", office_id, Role.OFFICER, None) for office_id in sorted(bare)]
    now = timezone.now()
    User.objects.bulk_create(
        [User(email=email, full_name="Bench Officer", password="!", email_verified_at=now) for email, *_ in wanted],
        batch_size=5000,
        ignore_conflicts=True,
    )
    user_ids = dict(User.objects.filter(email__startswith="staff.").values_list("email", "id"))
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user_id=user_ids[email], office_id=office_id, role=role, post_id=post_id)
            for email, office_id, role, post_id in wanted
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return {
        "users": len(wanted),
        "supervisors": sum(1 for _, _, role, _ in wanted if role == Role.SUPERVISOR),
        "offices": len(offices),
        "offices_without_posts": len(bare),
    }
