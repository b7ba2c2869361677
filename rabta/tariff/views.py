"""Public pages of the trade information portal: the tariff search and a page per code."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rabta.core.errors import DomainError, NotFound
from rabta.tariff import selectors
from rabta.tariff.forms import TariffDateForm, TariffSearchForm


def tariff_search_page(request: HttpRequest) -> HttpResponse:
    form = TariffSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = selectors.tariff_search(form.cleaned_data["q"], on=form.cleaned_data["on"])
        except DomainError as error:
            for field, errors in error.fields.items():
                for item in errors:
                    form.add_error(field if field in form.fields else None, item["message"])
    return render(request, "tariff/search.html", {"form": form, "results": results})


def tariff_code_page(request: HttpRequest, code: str) -> HttpResponse:
    form = TariffDateForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data["on"] else timezone.localdate()
    try:
        found = selectors.tariff_in_force(code, on=on)
    except (NotFound, DomainError) as error:
        raise Http404 from error
    rates, measures = selectors.tariff_history(found.code)
    return render(
        request,
        "tariff/code.html",
        {
            "found": found,
            "children": selectors.code_children(found.code),
            "history_rates": rates,
            "history_measures": measures,
            "form": form,
        },
    )
