"""The JSON API root: one NinjaAPI, one error format, OpenAPI at /api/openapi.json."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from rabta.api.errors import MalformedBody, error_for_status, status_for
from rabta.core.errors import (
    CoreError,
    DomainError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    Unprocessable,
    field_errors,
    validation_error_to_domain,
)
from rabta.core.ratelimit import RateLimited


def _refuse_constant(name: str) -> float:
    # Python's json reads NaN and Infinity, which are not JSON and which no database column takes.
    raise MalformedBody(_("%(value)s is not a JSON number.") % {"value": name})


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 reads as inf
        raise MalformedBody(_("The number %(value)s is out of range.") % {"value": text[:40]})
    return value


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(data: Any) -> tuple[str, str, str] | None:
    """The path of the first string (value or key) holding a lone surrogate or a NUL, which no
    database stores (PostgreSQL refuses NUL, UTF-8 cannot encode a surrogate), with its problem."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                child = f"{path}.{key}" if path else str(key)
                stack.append((path or "__all__", key))
                stack.append((child, value))
        elif isinstance(item, list):
            stack.extend((f"{path}.{index}" if path else str(index), value) for index, value in enumerate(item))
        elif isinstance(item, str):
            found = _UNSTORABLE.search(item)
            if found is not None:
                if found.group() == "\x00":
                    return path or "__all__", CoreError.TEXT_CONTROL_CHARACTER, _("The text holds a NUL character.")
                message = _("The text holds a character that is not valid Unicode.")
                return path or "__all__", CoreError.TEXT_INVALID_CHARACTER, message
    return None


class StrictJsonParser(Parser):
    """JSON bodies, refusing what would otherwise reach a service and fail only in the database:
    NaN, Infinity and numbers too large for a double, and strings holding NUL or lone surrogates.
    Each is a 400 naming the field, on every operation at once."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant, parse_float=_finite_float)
        except (ValueError, RecursionError) as exc:
            if isinstance(exc, MalformedBody):
                raise
            raise MalformedBody(_("The body is not valid JSON.")) from exc
        problem = unstorable(data)
        if problem is not None:
            field, _code, message = problem
            raise MalformedBody(f"{field}: {message}", code=CoreError.VALIDATION, fields=field_errors(problem))
        return data


class CsrfCheckedSession(SessionAuth):
    """Django's session, CSRF-checked like ninja's ``django_auth``, but a failed check is an error
    with its own code (``csrf_failed``) instead of a bare 403."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden(
                CoreError.CSRF_FAILED,
                _("CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header."),
            )
        return request.COOKIES.get(self.param_name)


api = NinjaAPI(
    title="Rabta API",
    version="1",
    description="Public grievance redressal and customs facilitation. Errors always have the form "
    '{"code": "...", "message": "...", "fields": {...}}.',
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=CsrfCheckedSession(),  # session auth (CSRF-checked) by default; public endpoints opt out with auth=None
    parser=StrictJsonParser(),
)


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = api.create_response(request, error.as_dict(), status=status_for(error))
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc)


@api.exception_handler(ValidationError)
def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, validation_error_to_domain(exc))


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[dict[str, str]]] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", []) if part not in {"body", "payload", "query", "path", "form"}]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, []).append(
            {"code": str(item.get("type", "invalid")), "message": str(item.get("msg", ""))}
        )
    first = next(iter(fields), "__all__")
    message = f"{first}: {fields[first][0]['message']}" if fields else "Invalid input."
    return _error(request, Unprocessable(CoreError.VALIDATION, message, fields=fields))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, NotFound())


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, NotAuthenticated(CoreError.NOT_AUTHENTICATED, "Sign in first."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps what the parser raises ("Cannot parse request body"); the cause says what it was.
    cause = exc.__cause__
    if isinstance(cause, DomainError):
        return _error(request, cause)
    if isinstance(cause, RequestDataTooBig):
        return _error(request, error_for_status(413))
    return _error(request, error_for_status(exc.status_code, str(exc)))


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Too large a body, too many form fields or files: Django's own limits, read while parsing.
    return _error(request, error_for_status(413 if isinstance(exc, RequestDataTooBig) else 400))


@api.get("/", auth=None, tags=["meta"], summary="API root")
def api_root(request: HttpRequest) -> dict[str, str]:
    return {"name": "Rabta API", "version": "1", "openapi": "/api/openapi.json", "docs": "/api/docs"}


def register_routers() -> None:
    """Domains add their routers here, in one place, so the API's surface is easy to review."""
    from rabta.accountability.api import complaint_router as accountability_complaint_router
    from rabta.accountability.api import router as accountability_router
    from rabta.accounts.api import router as accounts_router
    from rabta.complaints.api import router as complaints_router
    from rabta.directory.api import router as directory_router
    from rabta.reviews.api import router as reviews_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/directory", directory_router)
    api.add_router("/complaints", complaints_router)
    api.add_router("/complaints", accountability_complaint_router)  # the rating: a move on one complaint
    api.add_router("/reviews", reviews_router)
    api.add_router("/accountability", accountability_router)
    api.add_router("/customs", "rabta.customs.api.router")
    api.add_router("/risk", "rabta.risk.api_value.router")  # value control and post-clearance audit
    api.add_router("/tariff", "rabta.tariff.api.router")
    api.add_router("/scorecards", "rabta.scorecards.api.router")
    api.add_router("/risk", "rabta.risk.api.router")
    api.add_router("/intelligence", "rabta.intelligence.api.router")
    api.add_router("/enforcement", "rabta.enforcement.api.router")
    api.add_router("/risk", "rabta.risk.api_agency.router")  # border agencies (issue 10, OGAs)
    api.add_router("/exchange", "rabta.exchange.api.router")


register_routers()
