"""Site-wide pages that belong to no domain: home, offline, the web app manifest and service
worker, and the error pages (400, 403, 404, 429, 500, CSRF failure)."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from rabta.api.errors import status_for
from rabta.core.errors import DomainError, NotFound
from rabta.core.ratelimit import RateLimited


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot be fetched; cached at install."""
    return render(request, "core/offline.html")


# What the service worker caches when it installs: the page shell (style, scripts, icons) and the
# offline page in each language. Pages with personal data are never cached.
SHELL_ASSETS = (
    "rabta/site.css",
    "rabta/app.js",
    "rabta/drafts.js",
    "vendor/htmx/htmx.min.js",
    "rabta/icons/icon.svg",
    "rabta/icons/icon-192.png",
)


@require_GET
@cache_control(max_age=0, no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site root so that its scope is the whole site. Its text names the hashed
    static URLs, so a new deployment is a new worker that replaces the old cache."""
    from django.conf import settings

    offline_pages, draft_pages = [], []
    for code, _name in settings.LANGUAGES:
        with override(code):
            offline_pages.append(reverse("offline"))
            # The one-page complaint form that keeps a draft until the connection returns; shown
            # for the lodge page when there is no connection. It holds nothing personal.
            draft_pages.append({"page": reverse("complaints:waiting"), "for": reverse("complaints:lodge")})
    shell = [static(path) for path in SHELL_ASSETS] + offline_pages + [p["page"] for p in draft_pages]
    response = render(
        request,
        "core/sw.js",
        {
            # JSON of URLs we build ourselves: nothing a user sent reaches this script.
            "shell": mark_safe(json.dumps(shell)),  # noqa: S308
            "offline_pages": mark_safe(json.dumps(offline_pages)),  # noqa: S308
            "draft_pages": mark_safe(json.dumps(draft_pages)),  # noqa: S308
            "version": hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12],
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600, private=True)  # its names are in the visitor's language
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Rabta can be added to a phone's home screen."""
    return JsonResponse(
        {
            "name": _("Rabta"),
            "short_name": _("Rabta"),
            "description": _("Lodge a complaint with any government office, follow it, and judge the result."),
            "start_url": "/",  # the root sends each visitor on to their own language
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#01411c",
            "icons": [
                {"src": static("rabta/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("rabta/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("rabta/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


# Error pages. Django's defaults render 400 and 500 without the request (no language switch, no
# navigation); these render with it. The 500 page stays a static file that needs nothing working.


def _error(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    return HttpResponse(loader.render_to_string(template, context, request), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open past its session, or cookies turned off."""
    return _error(request, "csrf_failure.html", 403, no_cookies=not request.COOKIES)


def rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    minutes = max(1, math.ceil(error.retry_after / 60))
    response = _error(request, "429.html", 429, minutes=minutes)
    response["Retry-After"] = str(error.retry_after)
    return response


class PageErrorsMiddleware:
    """A domain error that escapes a page view becomes the page for its status: NotFound the 404
    page (an item outside the reader's scope reads as missing), a 403 the refusal page, a rate limit
    the 429 page with when to try again. The API answers its own errors (rabta.api)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        if isinstance(exception, RateLimited):
            return rate_limited(request, exception)
        status = status_for(exception)
        if isinstance(exception, NotFound) or status == 404:
            return page_not_found(request)
        if status == 403:
            return permission_denied(request)
        return None
