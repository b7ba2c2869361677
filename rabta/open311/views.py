"""GeoReport v2 under ``/open311/v2/``, in XML and JSON. Each view reads its parameters, calls one
selector or service and writes the answer with ``formats.respond``; errors are GeoReport v2's
arrays of ``{code, description}`` (plus the parameter and Rabta's reason), with 400, 403 and 404 as
the specification says. Empty parameters behave as absent ones."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from rabta.api.api import unstorable
from rabta.api.errors import status_for
from rabta.core.errors import CoreError, DomainError, FieldErrorCollector
from rabta.core.ratelimit import RateLimited, rate_limit
from rabta.open311 import selectors, services
from rabta.open311.choices import RequestStatus
from rabta.open311.errors import Open311Error
from rabta.open311.formats import respond
from rabta.open311.models import ClientApplication
from rabta.open311.permissions import client_for_key, not_found

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_PAGE = 10_000
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")

# GeoReport v2 names three error statuses; Rabta's others are told as the nearest of them.
OPEN311_STATUS = {401: 403, 403: 403, 404: 404, 413: 413, 414: 414, 429: 429}

Handler = Callable[..., HttpResponse]


def _errors(status: int, error: DomainError) -> list[dict[str, Any]]:
    if not error.fields:
        return [{"code": status, "description": error.message, "field": None, "reason": error.code}]
    return [
        {"code": status, "description": f"{field}: {problem['message']}", "field": field, "reason": problem["code"]}
        for field, problems in error.fields.items()
        for problem in problems
    ]


def _answer(fmt: str, error: DomainError) -> HttpResponse:
    status = OPEN311_STATUS.get(status_for(error), 400)
    response = respond(fmt, "errors", _errors(status, error), status=status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def endpoint(*methods: str) -> Callable[[Handler], Handler]:
    """An Open311 view: the methods it answers (405 otherwise), no CSRF (clients send keys, not
    cookies), and every domain error in GeoReport v2's error format."""

    def decorate(view: Handler) -> Handler:
        @csrf_exempt
        def wrapped(request: HttpRequest, fmt: str = "json", **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                error = DomainError(CoreError.METHOD_NOT_ALLOWED, _("This method is not allowed here."))
                response = respond(fmt, "errors", _errors(405, error), status=405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                _storable(request, kwargs)
                return view(request, fmt, **kwargs)
            except DomainError as error:
                return _answer(fmt, error)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _storable(request: HttpRequest, path: dict[str, Any]) -> None:
    """A NUL or a lone surrogate in any parameter or path part is a 400 naming it, as the JSON API
    answers (``rabta.api.api.unstorable``): no database can store or even compare such text."""
    data: dict[str, Any] = {**path}
    for source in (request.GET, request.POST):
        for key in source:
            data[key] = source.getlist(key)
    problem = unstorable(data)
    if problem is not None:
        field, code, message = problem
        raise DomainError.for_field(field.split(".")[0], CoreError(code), message)


def _params(request: HttpRequest) -> QueryDict:
    """POST parameters, then those of the query string (some clients put them in the URL)."""
    if request.method == "POST":
        merged = request.GET.copy()
        for key in request.POST:
            merged.setlist(key, request.POST.getlist(key))
        return merged
    return request.GET


def _get(params: QueryDict, name: str) -> str:
    return (params.get(name) or "").strip()


def _datetime(params: QueryDict, name: str, errors: FieldErrorCollector) -> datetime | None:
    raw = _get(params, name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+") if "T" in raw else raw)
        if value is None:
            day = parse_date(raw)
            value = datetime(day.year, day.month, day.day) if day else None  # noqa: DTZ001 - made aware below
    except ValueError:
        value = None
    if value is None:
        errors.add(name, Open311Error.DATETIME_INVALID, _("Give a W3C date-time, e.g. 2026-01-31T09:00:00+05:00."))
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _number(params: QueryDict, name: str, default: int, high: int, errors: FieldErrorCollector) -> int:
    raw = _get(params, name)
    if not raw:
        return default
    if not raw.isdigit() or not (1 <= int(raw) <= high):
        errors.add(name, Open311Error.NUMBER_INVALID, _("Give a whole number from 1 to %(high)s.") % {"high": high})
        return default
    return int(raw)


def _read_limit(request: HttpRequest) -> None:
    rate_limit(request, scope="open311_read")


def _client(request: HttpRequest, params: QueryDict) -> ClientApplication:
    client = client_for_key(params.get("api_key") or request.headers.get("X-Api-Key"))
    rate_limit(request, scope="open311", subjects=[f"client:{client.pk}"])
    return client


def _language() -> str:
    return translation.get_language() or "en"


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    return respond(
        fmt,
        "discovery",
        {
            "changeset": "2026-12-07T00:00:00+05:00",
            "contact": _("Rabta: write to the portal's operators through the address on its home page."),
            "key_service": _("API keys are issued per client application by the portal's administrators."),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": "2026-12-07T00:00:00+05:00",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


def _service_row(service: Any, language: str) -> dict[str, Any]:
    category = service.category
    return {
        "service_code": category.code,
        "service_name": category.name_ur if language == "ur" and category.name_ur else category.name,
        "description": service.description or None,
        "metadata": bool(category.attributes),
        "type": service.service_type,
        "keywords": service.keywords or None,
        "group": service.group or category.department.name,
    }


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    _read_limit(request)
    if _get(request.GET, "jurisdiction_id"):
        selectors.jurisdiction_for_id(_get(request.GET, "jurisdiction_id"))
    language = _language()
    return respond(fmt, "services", [_service_row(s, language) for s in selectors.services_offered()])


# Category attribute types → GeoReport v2 datatypes.
DATATYPES = {
    "text": "string",
    "longtext": "text",
    "number": "number",
    "date": "datetime",
    "choice": "singlevaluelist",
    "multichoice": "multivaluelist",
    "declaration_number": "string",
}


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    _read_limit(request)
    service = selectors.service_get(code)
    attributes = []
    for order, spec in enumerate(service.category.attributes or [], start=1):
        kind = spec.get("type", "text")
        row: dict[str, Any] = {
            "variable": True,
            "code": spec["name"],
            "datatype": DATATYPES.get(kind, "string"),
            "required": bool(spec.get("required")),
            "datatype_description": _("A goods declaration number") if kind == "declaration_number" else None,
            "order": order,
            "description": spec.get("label") or spec["name"],
        }
        if kind in ("choice", "multichoice"):
            row["values"] = [{"key": str(choice), "name": str(choice)} for choice in spec.get("choices", [])]
        attributes.append(row)
    return respond(fmt, "service_definition", {"service_code": service.category.code, "attributes": attributes})


def _attributes(params: QueryDict) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in params:
        match = ATTRIBUTE.match(key)
        if match is None:
            continue
        values = [value.strip() for value in params.getlist(key) if value.strip()]
        if match.group(2):
            found[match.group(1)] = values
        elif values:
            found[match.group(1)] = values[-1]
    return found


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    _read_limit(request)
    params = request.GET
    place = selectors.jurisdiction_for_id(_get(params, "jurisdiction_id")) if _get(params, "jurisdiction_id") else None
    errors = FieldErrorCollector()
    statuses = tuple(s.strip().lower() for s in _get(params, "status").split(",") if s.strip())
    if any(s not in RequestStatus.values for s in statuses):
        errors.add("status", Open311Error.STATUS_UNKNOWN, _("Give open, closed or both, separated by a comma."))
    query = selectors.RequestQuery(
        ids=tuple(s for s in _get(params, "service_request_id").split(",") if s.strip()),
        service_code=_get(params, "service_code"),
        start=_datetime(params, "start_date", errors),
        end=_datetime(params, "end_date", errors),
        statuses=statuses,
        page=_number(params, "page", 1, MAX_PAGE, errors),
        page_size=_number(params, "page_size", selectors.MAX_REQUESTS, selectors.MAX_REQUESTS, errors),
        within=place,
    )
    errors.raise_if_any()
    language = _language()
    rows = [selectors.request_row(c, language=language) for c in selectors.requests_search(query)]
    return respond(fmt, "service_requests", rows)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = _params(request)
    client = _client(request, params)
    filing = services.request_file(
        client=client,
        service_code=_get(params, "service_code"),
        description=params.get("description") or "",
        lat=_get(params, "lat"),
        long=_get(params, "long"),
        address_string=_get(params, "address_string"),
        address_id=_get(params, "address_id"),
        jurisdiction_id=_get(params, "jurisdiction_id"),
        attributes=_attributes(params),
        media_url=_get(params, "media_url"),
        email=_get(params, "email"),
        first_name=_get(params, "first_name"),
        last_name=_get(params, "last_name"),
        phone=_get(params, "phone"),
        device_id=_get(params, "device_id"),
    )
    complaint = filing.complaint
    notice = _("Sent to %(office)s.") % {"office": complaint.current_office.name} if complaint.current_office else None
    # account_id is never given: the answer must not tell whether the contacts matched an account.
    row = {
        "service_request_id": complaint.tracking_number,
        "token": filing.token,
        "service_notice": notice,
        "account_id": None,
    }
    return respond(fmt, "service_requests", [row], status=200)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    _read_limit(request)
    complaint = selectors.request_get(service_request_id)
    return respond(fmt, "service_requests", [selectors.request_row(complaint, language=_language())])


@endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    _read_limit(request)
    filing = selectors.filing_by_token(token)
    return respond(
        fmt, "service_requests", [{"service_request_id": filing.complaint.tracking_number, "token": filing.token}]
    )


@endpoint("GET", "POST")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    params = _params(request)
    client = _client(request, params)
    if request.method == "POST":
        update = services.request_update_post(
            client=client,
            service_request_id=_get(params, "service_request_id"),
            description=params.get("description") or "",
            update_id=_get(params, "update_id"),
        )
        row = {"update_id": update.client_update_id, "service_request_id": update.filing.complaint.tracking_number}
        return respond(fmt, "service_request_updates", [row])
    errors = FieldErrorCollector()
    start = _datetime(params, "start_date", errors)
    end = _datetime(params, "end_date", errors)
    errors.raise_if_any()
    return respond(fmt, "service_request_updates", selectors.updates_since(start=start, end=end))


@endpoint("GET", "POST")
def unknown(request: HttpRequest, fmt: str = "json", **_kwargs: Any) -> HttpResponse:
    raise not_found("path", Open311Error.FORMAT_UNKNOWN, _("No such Open311 resource: the formats are .json and .xml."))
