"""Staff must pass a second factor (TOTP) before anything but the second-factor pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from rabta.accounts.roles import STAFF_ROLES

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
        return bool(user.roles & STAFF_ROLES) or user.is_superuser or user.is_staff  # type: ignore[union-attr]
