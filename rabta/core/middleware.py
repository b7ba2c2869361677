"""Request id for log correlation: taken from X-Request-ID when a proxy sets one, else generated."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

import structlog
from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response

_request_id: ContextVar[str] = ContextVar("rabta_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs 4xx/5xx answers ("Not Found: /x") only after every middleware has
                # returned, when the request id is no longer bound: log them here, while it is.
                log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response
