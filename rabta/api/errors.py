"""The one place that decides which HTTP status each kind of error is, and the one error format for
what happens before or around an operation: a body that is not JSON, a failed CSRF check, an
unknown path, a wrong method, a body or address too large.

Services raise classes (``rabta.core.errors``), never statuses: :func:`status_for` reads the class
from :data:`STATUS_BY_CLASS`, so the API's exception handlers, the middleware that catches what
never reached the API (``rabta.api.middleware``) and the pages all answer alike.
"""

from __future__ import annotations

from typing import Any

from rabta.core.errors import (
    Conflict,
    CoreError,
    DomainError,
    ErrorCode,
    FieldErrors,
    Forbidden,
    NotAuthenticated,
    NotFound,
    Throttled,
    Unprocessable,
)
from rabta.core.ratelimit import RateLimited


class MalformedBody(DomainError):
    """A body the API cannot take: not JSON (``malformed_body``), or JSON with a value no field may
    hold (``validation_error`` naming the field)."""

    def __init__(
        self, message: str, *, code: ErrorCode = CoreError.MALFORMED_BODY, fields: FieldErrors | None = None
    ) -> None:
        super().__init__(code, message, fields=fields)


class RequestError(DomainError):
    """A failure of the HTTP request itself, answered by Django or ninja with a status no domain
    class stands for (405, 413, 414, 500...): the status travels with the error."""

    def __init__(self, code: ErrorCode, message: str, *, status: int) -> None:
        super().__init__(code, message)
        self.status = status


# First match wins, so a subclass comes before its base (InvalidTransition is a Conflict: 409).
STATUS_BY_CLASS: tuple[tuple[type[DomainError], int], ...] = (
    (RateLimited, 429),  # with Retry-After: the handlers add it
    (Throttled, 429),
    (MalformedBody, 400),
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Unprocessable, 422),
    (DomainError, 400),
)


def status_for(error: DomainError) -> int:
    """The HTTP status of ``error``, by its class."""
    if isinstance(error, RequestError):
        return error.status
    for cls, status in STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    raise AssertionError("unreachable: every error is a DomainError")  # pragma: no cover


STATUS_CODES: dict[int, tuple[CoreError, str]] = {
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


def error_for_status(status: int, message: str | None = None) -> RequestError:
    code, default = STATUS_CODES.get(status, (CoreError.SERVER_ERROR, "Something went wrong on our side."))
    if status < 500 and status not in STATUS_CODES:
        code = CoreError.BAD_REQUEST
    return RequestError(code, message or default, status=status)


def is_error_format(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and set(body) == ERROR_KEYS
        and isinstance(body["code"], str)
        and isinstance(body["message"], str)
        and isinstance(body["fields"], dict)
    )
