"""Everything under /api/ answers in the one error format, including what never reaches an operation.

Django and ninja answer some failures themselves, in HTML or plain text: an unknown path (404),
a method the path does not take (405), a server error (500). This middleware, just inside the
request id, turns any error response under /api/ that is not already ``{"code", "message",
"fields"}`` into one, keeping its status and the headers that matter to a client (``Allow``,
``Retry-After``). It also refuses, before anything reads them, an address too long to be ours
(414), a body larger than Django would read (413), and a NUL in the path or query string, which
PostgreSQL cannot compare against any column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from rabta.api.errors import error_for_status, is_error_format, status_for
from rabta.core.errors import CoreError, DomainError

API_PREFIX = "/api/"
# Longer than any address the API makes (the longest filter list fits in a few hundred characters)
# and shorter than the request line a proxy or gunicorn (8190) would cut off on its own.
MAX_URI_LENGTH = 4096
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def error_response(error: DomainError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=status_for(error))


def _refusal(request: HttpRequest) -> DomainError | None:
    if len(request.get_full_path()) > MAX_URI_LENGTH:
        return error_for_status(414, _("The address is longer than %(n)s characters.") % {"n": MAX_URI_LENGTH})
    length = request.META.get("CONTENT_LENGTH") or "0"
    try:
        declared = int(length)
    except ValueError:
        return error_for_status(400, _("The Content-Length header is not a number."))
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and declared > limit:
        return error_for_status(413, _("The request body is larger than %(n)s bytes.") % {"n": limit})
    if "\x00" in request.path:
        return DomainError(CoreError.VALIDATION, _("The address holds a NUL character."))
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            message = _("The value holds a NUL character.")
            return DomainError.for_field(name.replace("\x00", ""), CoreError.TEXT_CONTROL_CHARACTER, message)
    return None


def _json_body(response: HttpResponse) -> Any:
    """The response's JSON body, or None when it is streamed, not JSON, or not parseable."""
    if response.streaming or "json" not in response.get("Content-Type", ""):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


class ApiErrorFormatMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        refusal = _refusal(request)
        if refusal is not None:
            return error_response(refusal)
        response = self.get_response(request)
        if response.status_code < 400:
            return response
        body = _json_body(response)
        if is_error_format(body):
            return response
        detail = body["detail"] if isinstance(body, dict) and isinstance(body.get("detail"), str) else None
        replaced = error_response(error_for_status(response.status_code, detail))
        for header in KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        replaced.cookies = response.cookies
        # Django's handler logged the original already (or will log this one): not twice.
        replaced._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]
        return replaced
