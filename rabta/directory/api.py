"""Public read API of the directory (/api/directory/...): anyone may find an office, so no login."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from rabta.api.params import PageNumberPagination
from rabta.core.errors import DomainError, NotFound
from rabta.directory import selectors
from rabta.directory.choices import JurisdictionKind, OfficeLevel
from rabta.directory.errors import DirectoryError
from rabta.directory.models import Department, Government, Jurisdiction, Office

router = Router(tags=["directory"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Each word of a search is three LIKE scans of every office: a few thousand words in one address
# took seconds of database time per request. No office name needs more words than this.
MAX_QUERY_WORDS = 10


class JurisdictionOut(Schema):
    code: str
    kind: str
    name: str
    name_ur: str
    parent_code: str | None = Field(None, alias="parent.code")


class GovernmentOut(Schema):
    code: str
    name: str
    name_ur: str
    level: str
    jurisdiction_code: str = Field(..., alias="jurisdiction.code")


class DepartmentOut(Schema):
    code: str
    name: str
    name_ur: str
    is_customs: bool
    government_code: str = Field(..., alias="government.code")


class OfficeOut(Schema):
    id: int
    code: str
    name: str
    name_ur: str
    level: str
    is_active: bool
    department_code: str = Field(..., alias="department.code")
    department_name: str = Field(..., alias="department.name")
    government_code: str = Field(..., alias="department.government.code")
    jurisdiction_code: str = Field(..., alias="jurisdiction.code")
    jurisdiction_name: str = Field(..., alias="jurisdiction.name")
    parent_code: str | None = Field(None, alias="parent.code")


class PostOut(Schema):
    title: str
    rank: int
    is_head: bool


class OfficeDetailOut(OfficeOut):
    # Office.reporting_line is a method; the view attaches the list under another name.
    reporting_line: list[OfficeOut] = Field(..., alias="reporting_line_offices")
    posts: list[PostOut]


def _bad_filter(field: str, message: str) -> DomainError:
    return DomainError.for_field(field, DirectoryError.INVALID_FILTER, message)


def _choice(field: str, value: str | None, choices: list[str]) -> str | None:
    if value and value not in choices:
        raise _bad_filter(field, f"{value!r} is not one of {', '.join(choices)}.")
    return value or None


def _by_code(field: str, model: type[Jurisdiction] | type[Government] | type[Department], code: str | None) -> Any:
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise _bad_filter(field, f"no {model._meta.verbose_name} with code {code!r}.")
    return found


@router.get("/jurisdictions", auth=None, response=list[JurisdictionOut], summary="Provinces, divisions, districts")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def jurisdictions(request: HttpRequest, kind: str | None = None, parent: str | None = None) -> QuerySet[Jurisdiction]:
    kind = _choice("kind", kind, list(JurisdictionKind.values))
    return selectors.jurisdiction_list(kind=kind, parent=_by_code("parent", Jurisdiction, parent))


@router.get("/governments", auth=None, response=list[GovernmentOut], summary="Federal, provincial, territorial")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def governments(request: HttpRequest) -> QuerySet[Government]:
    return selectors.government_list()


@router.get("/departments", auth=None, response=list[DepartmentOut], summary="Departments of the governments")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def departments(request: HttpRequest, government: str | None = None) -> QuerySet[Department]:
    return selectors.department_list(government=_by_code("government", Government, government))


@router.get("/offices", auth=None, response=list[OfficeOut], summary="Find offices")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def offices(
    request: HttpRequest,
    q: str = "",
    government: str | None = None,
    department: str | None = None,
    jurisdiction: str | None = None,
    level: str | None = None,
) -> QuerySet[Office]:
    """Offices whose name or code contains every word of ``q``; ``jurisdiction`` also matches the
    places below it (a province finds its district offices)."""
    if len(q.split()) > MAX_QUERY_WORDS:
        raise _bad_filter("q", f"At most {MAX_QUERY_WORDS} words.")
    return selectors.office_search(
        query=q,
        government=_by_code("government", Government, government),
        department=_by_code("department", Department, department),
        jurisdiction=_by_code("jurisdiction", Jurisdiction, jurisdiction),
        level=_choice("level", level, list(OfficeLevel.values)),
        limit=None,
    )


@router.get("/offices/{code}", auth=None, response=OfficeDetailOut, summary="One office with its reporting line")
def office(request: HttpRequest, code: str) -> Office:
    found = selectors.office_queryset().prefetch_related("posts").filter(code=code).first()
    if found is None:
        raise NotFound("No office with this code.")
    found.reporting_line_offices = selectors.office_reporting_line(found)  # type: ignore[attr-defined]
    return found
