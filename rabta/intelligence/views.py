"""Pages of the intelligence domain: the suggestions fragment the lodge page shows as the
complainant types (htmx posts the step's form to it after a pause in typing)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from rabta.core.errors import DomainError
from rabta.core.ratelimit import rate_limit
from rabta.intelligence.suggest import category_suggest


@require_POST
def lodge_suggestions(request: HttpRequest) -> HttpResponse:
    """The categories that may fit what was written so far (subject and text), as a list to read;
    nothing at all for text it cannot suggest from. The lodge form's own checks judge the text
    when it is sent, so nothing here is an error the complainant must act on."""
    rate_limit(request, scope="suggest", subjects=[str(request.user.pk)] if request.user.is_authenticated else [])
    written = "\n".join(
        part for part in (request.POST.get("subject", ""), request.POST.get("text", "")) if part.strip()
    )
    suggestions = []
    try:
        suggestions = category_suggest(text=written, language=get_language()).suggestions if written.strip() else []
    except DomainError:
        suggestions = []
    response = render(request, "intelligence/_suggestions.html", {"suggestions": suggestions})
    response["Cache-Control"] = "no-store"
    return response
