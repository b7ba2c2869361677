"""Staff must pass a second factor (TOTP) before anything but the second-factor pages, and staff
sessions end after an idle time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from rabta.accounts.permissions import is_staff_account

# Paths a signed-in staff member may reach before the second factor: the 2FA pages themselves,
# sign-out, health checks and static files.
_OPEN_PREFIXES = ("/static/", "/healthz", "/readyz", "/metrics")
_OPEN_NAMES = ("accounts:two_factor", "accounts:two_factor_setup", "accounts:logout")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._needs_second_factor(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "second_factor_required",
                        "message": "Staff accounts must verify a one-time code first.",
                        "fields": {},
                    },
                    status=403,
                )
            return HttpResponseRedirect(reverse("accounts:two_factor") + f"?next={request.path}")
        return self.get_response(request)

    def _needs_second_factor(self, request: HttpRequest) -> bool:
        if request.path.startswith(_OPEN_PREFIXES):
            return False
        if any(request.path == reverse(name) for name in _OPEN_NAMES):
            return False
        user = request.user
        if getattr(user, "is_verified", lambda: False)():
            return False
        # Whoever can reach a staff surface: a staff role (pages, API), or admin access by flag or
        # superuser status, even with no role (the admin refuses them, but a password alone must
        # not be what stands between an account and the staff pages).
        return _is_staff_session(user)


# Where the last request of a staff session was seen (seconds since the epoch).
_LAST_SEEN = "_rabta_staff_last_seen"
# Refresh the mark at most this often, so a busy officer's session is not written on every request.
_LAST_SEEN_RESOLUTION_SECONDS = 60


# Whether the session is a staff one, decided at sign-in: looking at roles on every request would
# cost every page a query.
_STAFF = "_rabta_staff_session"


def session_activity_mark(request: HttpRequest, user: Any) -> None:
    """Start the idle clock at sign-in (called from the user_logged_in signal), so that the first
    requests after it need not write the session, and note whether the session is a staff one."""
    session = getattr(request, "session", None)
    if session is not None:
        session[_LAST_SEEN] = int(time.time())
        session[_STAFF] = _is_staff_session(user)


# Who holds a staff session is an account rule (rabta.accounts.permissions).
_is_staff_session = is_staff_account


class StaffSessionIdleMiddleware:
    """End a staff session that has been idle longer than RABTA_STAFF_SESSION_IDLE_MINUTES.

    Staff sessions open complaint contents and identities; a terminal left signed in at an office
    counter must not stay usable all day. Complainants keep Django's normal session age. Runs after
    the authentication middleware, before the second-factor check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._is_staff(request, user):
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            idle_limit = int(settings.RABTA_STAFF_SESSION_IDLE_MINUTES) * 60
            if isinstance(last_seen, int) and now - last_seen > idle_limit:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "session_expired",
                            "message": "The session ended after a period without activity. Sign in again.",
                            "fields": {},
                        },
                        status=401,
                    )
                return HttpResponseRedirect(f"{reverse('accounts:login')}?next={quote(request.get_full_path())}")
            if not isinstance(last_seen, int) or now - last_seen >= _LAST_SEEN_RESOLUTION_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _is_staff(request: HttpRequest, user: Any) -> bool:
        staff = request.session.get(_STAFF)
        if not isinstance(staff, bool):  # a session signed in before this rule: decide once
            staff = _is_staff_session(user)
            request.session[_STAFF] = staff
        return staff
