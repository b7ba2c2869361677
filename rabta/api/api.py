"""The JSON API root: one NinjaAPI, one error format, OpenAPI at /api/openapi.json."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from rabta.core.errors import CoreError, DomainError, validation_error_to_domain
from rabta.core.ratelimit import RateLimited

api = NinjaAPI(
    title="Rabta API",
    version="1",
    description="Public grievance redressal and customs facilitation. Errors always have the form "
    '{"code": "...", "message": "...", "fields": {...}}.',
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=django_auth,  # session auth (CSRF-checked) by default; public endpoints opt out with auth=None
)


def _error(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = api.create_response(request, error.as_dict(), status=error.status_code)
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
    return _error(request, DomainError(CoreError.VALIDATION, message, fields=fields, status_code=422))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, DomainError(CoreError.NOT_FOUND, "Not found.", status_code=404))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, DomainError("not_authenticated", "Sign in first.", status_code=401))


@api.get("/", auth=None, tags=["meta"], summary="API root")
def api_root(request: HttpRequest) -> dict[str, str]:
    return {"name": "Rabta API", "version": "1", "openapi": "/api/openapi.json", "docs": "/api/docs"}


def register_routers() -> None:
    """Domains add their routers here, in one place, so the API's surface is easy to review."""
    from rabta.accounts.api import router as accounts_router
    from rabta.complaints.api import router as complaints_router
    from rabta.complaints.api_accountability import router as accountability_router
    from rabta.directory.api import router as directory_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/directory", directory_router)
    api.add_router("/complaints", complaints_router)
    api.add_router("/reviews", "rabta.complaints.api_reviews.router")
    api.add_router("/accountability", accountability_router)


register_routers()
