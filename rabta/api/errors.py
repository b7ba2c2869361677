"""The one error format for what happens before or around an operation: a body that is not JSON,
a failed CSRF check, an unknown path, a wrong method, a body or address too large.

Each status has one code here, so the API's exception handlers and the middleware that catches
what never reached the API (``rabta.api.middleware``) answer alike.
"""

from __future__ import annotations

from typing import Any

from rabta.core.errors import CoreError, DomainError

STATUS_CODES: dict[int, tuple[str, str]] = {
    400: (CoreError.BAD_REQUEST, "The request is not valid."),
    401: (CoreError.NOT_AUTHENTICATED, "Sign in first."),
    403: (CoreError.PERMISSION_DENIED, "You may not do this."),
    404: (CoreError.NOT_FOUND, "Not found."),
    405: (CoreError.METHOD_NOT_ALLOWED, "This method is not allowed here."),
    409: (CoreError.CONFLICT, "The request conflicts with the current state."),
    413: (CoreError.REQUEST_TOO_LARGE, "The request body is too large."),
    414: (CoreError.URI_TOO_LONG, "The address is too long."),
    422: (CoreError.VALIDATION, "The input is not valid."),
    429: (CoreError.RATE_LIMITED, "Too many requests: try again later."),
}
ERROR_KEYS = frozenset({"code", "message", "fields"})


def error_for_status(status: int, message: str | None = None) -> DomainError:
    code, default = STATUS_CODES.get(status, (CoreError.SERVER_ERROR, "Something went wrong on our side."))
    if status < 500 and status not in STATUS_CODES:
        code = CoreError.BAD_REQUEST
    return DomainError(code, message or default, status_code=status)


def is_error_format(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and set(body) == ERROR_KEYS
        and isinstance(body["code"], str)
        and isinstance(body["message"], str)
        and isinstance(body["fields"], dict)
    )
