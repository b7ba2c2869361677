"""The exchange officers' pages: agreements, the exchange log, partner imports (each with its
rejects and mirror findings) and banks' requests. Read-only: exchanges are made through the API
and ``rabta exchange``. Anyone but an exchange officer finds no such page (404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rabta.core.permissions import get_visible_or_404
from rabta.exchange import selectors
from rabta.exchange.permissions import ExchangeAction, exchange_allowed


def _officer(request: HttpRequest) -> None:
    if not exchange_allowed(request.user, ExchangeAction.READ) or not request.user.is_authenticated:
        raise Http404


@never_cache
@login_required
@require_http_methods(["GET"])
def agreements_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    return render(
        request, "exchange/agreements.html", {"agreements": selectors.agreement_list(user=request.user, limit=200)}
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def log_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    return render(request, "exchange/log.html", {"rows": selectors.exchange_log(user=request.user, limit=200)})


@never_cache
@login_required
@require_http_methods(["GET"])
def imports_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    return render(request, "exchange/imports.html", {"imports": selectors.import_list(user=request.user, limit=200)})


@never_cache
@login_required
@require_http_methods(["GET"])
def import_page(request: HttpRequest, import_id: int) -> HttpResponse:
    stored = get_visible_or_404(selectors.partner_imports(), request.user, pk=import_id)
    return render(
        request,
        "exchange/import.html",
        {
            "stored": stored,
            "rejects": stored.rejects.all()[:1000],
            "findings": selectors.mirror_findings(user=request.user, partner_import=stored, limit=200),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def bank_requests_page(request: HttpRequest) -> HttpResponse:
    _officer(request)
    return render(
        request, "exchange/bank_requests.html", {"requests": selectors.bank_request_list(user=request.user, limit=200)}
    )
