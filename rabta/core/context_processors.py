from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from rabta.core.navigation import navigation_for


def site(request: HttpRequest) -> dict[str, Any]:
    """The language switch: a plain link to this same page in each other language, so it works
    without JavaScript and can be shared."""
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "url": translate_url(path, code)})
    return {
        "RABTA_ENV": settings.RABTA_ENV,
        "language_links": links,
        # Lazy: an error page rendered without a working database must not fail on the roles query.
        "navigation": lambda: navigation_for(getattr(request, "user", None), request.path),
    }
