"""Domain errors with machine-readable codes, and the one error format every interface uses.

Every domain declares its codes as an :class:`ErrorCode` enum (``rabta.accounts.errors.AccountsError``...).
A service raises the class that says what kind of failure it is, never a status number:

========================  ==============================================================
``DomainError``           the input breaks a rule (400)
``Unprocessable``         the input is well-formed but cannot be taken as it is (422)
``NotAuthenticated``      nobody is signed in (401)
``Forbidden``             the actor may see the item but not do this to it (403)
``NotFound``              missing, or outside the actor's scope: the two read alike (404)
``Conflict``              the item's current state refuses the change (409)
``Throttled``             too many attempts: wait, then try again (429)
``InvalidTransition``     a ``Conflict`` of the lifecycle's state machine (409)
========================  ==============================================================

The interfaces map classes to statuses in one place (``rabta.api.errors.status_for``) and render
``{"code": "...", "message": "...", "fields": {"field": [{"code": "...", "message": "..."}]}}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class ErrorCode(StrEnum):
    """Base of every app's error codes: a code is a member of an app's subclass, never a bare string."""


class CoreError(ErrorCode):
    VALIDATION = "validation_error"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    INVALID_TRANSITION = "invalid_transition"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    TEXT_TOO_LONG = "text_too_long"
    TEXT_CONTROL_CHARACTER = "text_control_character"
    TEXT_INVALID_CHARACTER = "text_invalid_character"
    # The request itself, before any operation looks at it (rabta.api).
    MALFORMED_BODY = "malformed_body"
    CSRF_FAILED = "csrf_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    REQUEST_TOO_LARGE = "request_too_large"
    URI_TOO_LONG = "uri_too_long"
    BAD_REQUEST = "bad_request"
    SERVER_ERROR = "server_error"
    # Exports (rabta.core.exports).
    EXPORT_TOO_LARGE = "export_too_large"


FieldErrors = dict[str, list[dict[str, str]]]


class DomainError(Exception):
    """An expected failure of a business rule. Nothing has been written when it is raised.

    The class says what kind of failure it is; which HTTP status that is, is decided in one place
    (``rabta.api.errors.status_for``), never here."""

    def __init__(self, code: ErrorCode, message: str, *, fields: FieldErrors | None = None) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)
        self.fields = fields or {}

    @classmethod
    def for_field(cls, field: str, code: ErrorCode, message: str) -> Self:
        """One field's error, of this class: ``Forbidden.for_field(...)`` refuses a field the actor
        may not set."""
        return cls(CoreError.VALIDATION, f"{field}: {message}", fields=field_errors((field, code, message)))

    @classmethod
    def for_fields(cls, *errors: tuple[str, ErrorCode | str, str]) -> Self:
        """Several fields' errors at once, ``(field, code, message)`` each; the message names the first."""
        field, _code, message = errors[0]
        return cls(CoreError.VALIDATION, f"{field}: {message}", fields=field_errors(*errors))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


def field_errors(*errors: tuple[str, ErrorCode | str, str]) -> FieldErrors:
    """The ``fields`` of an error, from ``(field, code, message)`` triples (a field may repeat).
    A code is an app's :class:`ErrorCode` member, or a code a validator library gave (pydantic's
    ``"enum"``, Django's ``"invalid"``)."""
    fields: FieldErrors = {}
    for field, code, message in errors:
        fields.setdefault(field, []).append({"code": str(code), "message": str(message)})
    return fields


class FieldErrorCollector:
    """Collects field errors so that one response names every bad field at once: ``add`` as many as
    the input has, then ``raise_if_any``. ``fields`` is what ``text_clean(errors=...)`` appends to."""

    def __init__(self) -> None:
        self.fields: FieldErrors = {}

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def __bool__(self) -> bool:
        return bool(self.fields)

    def add(self, field: str, code: ErrorCode | str, message: str) -> None:
        """A string code is one another part gave (a validator's, the responsibility index's)."""
        self.fields.setdefault(field, []).append({"code": str(code), "message": str(message)})

    def add_validation(self, field: str, exc: ValidationError) -> None:
        for error in exc.error_list:
            self.add(field, error.code or "invalid", " ".join(error.messages))

    def error(self) -> DomainError:
        field, errors = next(iter(self.fields.items()))
        return DomainError(CoreError.VALIDATION, f"{field}: {errors[0]['message']}", fields=self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise self.error()


class Unprocessable(DomainError):
    """Well-formed input that cannot be taken as it is (a reused idempotency key, a schema error)."""


class NotAuthenticated(DomainError):
    """Nobody is signed in, and the operation needs someone."""


class Forbidden(DomainError):
    """The actor may see the item (else it would be :class:`NotFound`) but may not do this to it."""


class Throttled(DomainError):
    """Too many attempts in a short time: the actor must wait before trying again (429)."""


class Conflict(DomainError):
    """The item's current state refuses the change: already decided, closed, a cap reached."""


class NotFound(DomainError):
    """Raised for missing items *and* items outside the caller's scope: both read as 404."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(CoreError.NOT_FOUND, message)


class InvalidTransition(Conflict):
    def __init__(self, message: str, *, code: ErrorCode = CoreError.INVALID_TRANSITION) -> None:
        super().__init__(code, message)


@contextmanager
def fields_renamed(**names: str) -> Iterator[None]:
    """Field errors raised inside, under the names the client used (``service_name="client_name"``),
    for the few endpoints whose input is named differently from the service's argument."""
    try:
        yield
    except DomainError as error:
        error.fields = {names.get(field, field): errors for field, errors in error.fields.items()}
        for old, new in names.items():
            if error.message.startswith(f"{old}: "):
                error.message = f"{new}: {error.message[len(old) + 2 :]}"
        raise


def validation_error_to_domain(exc: ValidationError) -> DomainError:
    """Convert Django's ValidationError (from validators and model.full_clean) to the one format."""
    fields: FieldErrors = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            fields[field] = [{"code": error.code or "invalid", "message": " ".join(error.messages)} for error in errors]
    else:
        fields["__all__"] = [
            {"code": error.code or "invalid", "message": " ".join(error.messages)} for error in exc.error_list
        ]
    first_field, first = next(iter(fields.items()))
    prefix = "" if first_field == "__all__" else f"{first_field}: "
    return DomainError(CoreError.VALIDATION, prefix + first[0]["message"], fields=fields)


def form_invalid() -> DomainError:
    """What a page says above a form whose own checks failed before any service was asked."""
    return DomainError(CoreError.VALIDATION, gettext("Please correct the fields marked below."))


def error_with_fields(error: DomainError, fields: FieldErrors) -> DomainError:
    """The same error (class, code, message) with other ``fields``: a page shows one form's part of
    an error, or names the fields as its form does. (``copy.copy`` of an exception calls
    ``__init__`` without its arguments.)"""
    part = type(error).__new__(type(error))
    part.__dict__.update(error.__dict__, fields=fields)
    part.args = error.args
    return part
