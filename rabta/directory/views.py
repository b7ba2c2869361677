"""Public pages of the directory: the office finder and the office page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rabta.directory import selectors
from rabta.directory.forms import OfficeSearchForm

RESULTS_PER_PAGE = 20
CHILDREN_SHOWN = 50


def office_finder(request: HttpRequest) -> HttpResponse:
    form = OfficeSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = selectors.office_search(
            query=data["q"],
            government=data["government"],
            department=data["department"],
            jurisdiction=data["jurisdiction"],
            level=data["level"] or None,
            limit=None,
        )
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "directory/finder.html", {"form": form, "page": page, "query": query.urlencode()})


def office_page(request: HttpRequest, code: str) -> HttpResponse:
    office = selectors.office_queryset().prefetch_related("posts", "serves").filter(code=code).first()
    if office is None:
        raise Http404
    children = list(
        selectors.office_queryset().filter(parent=office, is_active=True).order_by("name")[: CHILDREN_SHOWN + 1]
    )
    return render(
        request,
        "directory/office.html",
        {
            "office": office,
            "reporting_line": selectors.office_reporting_line(office),
            "children": children[:CHILDREN_SHOWN],
            "more_children": len(children) > CHILDREN_SHOWN,
        },
    )
