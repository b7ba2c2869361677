"""The border agencies' pages (``/<lang>/risk/agency/``): the agency's selections with their results,
its rules (save, back-test, retire) and the watch lists it shared with customs. Only an agency's own
officers reach them; anyone else finds no agency (404). Each view validates a form, calls one
selector or service, and renders; the services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rabta.api.errors import status_for
from rabta.complaints.forms import errors_attach
from rabta.core.errors import DomainError, form_invalid
from rabta.risk import selectors_agency as selectors
from rabta.risk.choices import AgencyOutcome
from rabta.risk.forms_agency import AgencyRuleForm, BacktestForm, ResultForm, SelectionFilterForm, ShareForm
from rabta.risk.services.agencies import (
    AgencyRuleInput,
    agency_result_record,
    agency_rule_backtest,
    agency_rule_create,
    agency_rule_retire,
    agency_share,
)

SHOWN = 100


def _render(request: HttpRequest, template: str, context: dict[str, Any], error: DomainError | None) -> HttpResponse:
    response = render(request, template, context)
    if error is not None:
        response.status_code = status_for(error)
    return response


@never_cache
@login_required
@require_http_methods(["GET"])
def selection_list_page(request: HttpRequest) -> HttpResponse:
    """The agency's selections, newest first, by outcome; a result form on each one awaiting it."""
    agency = selectors.agency_of(user=request.user, code=request.GET.get("agency", ""))
    form = SelectionFilterForm(request.GET or None)
    outcome = form.cleaned_data["outcome"] if form.is_bound and form.is_valid() else ""
    rows = list(selectors.agency_selection_list(user=request.user, agency=agency, outcome=outcome)[:SHOWN])
    selections = [
        (s, ResultForm(prefix=f"s{s.pk}") if s.outcome != AgencyOutcome.NOT_SELECTED and not s.result else None)
        for s in rows
    ]
    return render(request, "risk/agency/selections.html", {"agency": agency, "form": form, "selections": selections})


@login_required
@require_POST
def result_page(request: HttpRequest, selection_id: int) -> HttpResponse:
    selection = selectors.agency_selection_get(user=request.user, pk=selection_id)
    form = ResultForm(request.POST, prefix=f"s{selection.pk}")
    error: DomainError
    if form.is_valid():
        try:
            agency_result_record(
                actor=request.user,
                selection=selection,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refusal:
            errors_attach(form, refusal)
            error = refusal
        else:
            messages.success(request, _("The result is recorded."))
            return redirect("risk_agency:selections")
    else:
        error = form_invalid()
    context = {"agency": selection.agency, "form": SelectionFilterForm(), "selections": [(selection, form)]}
    return _render(request, "risk/agency/selections.html", context, error)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest) -> HttpResponse:
    """The agency's rules; a form to save one (its condition must parse), one to back-test a
    condition over a past period and a retire button on each active rule."""
    agency = selectors.agency_of(user=request.user, code=request.GET.get("agency", ""))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    rule_form = AgencyRuleForm(request.POST if action == "save" else None, outcomes=agency.outcomes)
    backtest_form = BacktestForm(request.POST if action == "backtest" else None)
    backtest = None
    error: DomainError | None = None
    try:
        if action == "save":
            if not rule_form.is_valid():
                raise form_invalid()
            agency_rule_create(actor=request.user, agency=agency, data=AgencyRuleInput(**rule_form.cleaned_data))
            messages.success(request, _("The rule is saved."))
            return redirect("risk_agency:rules")
        if action == "backtest":
            if not backtest_form.is_valid():
                raise form_invalid()
            backtest = agency_rule_backtest(actor=request.user, agency=agency, **backtest_form.cleaned_data)
        if action == "retire":
            rule = selectors.agency_rule_get(user=request.user, pk=int(request.POST.get("rule") or 0))
            agency_rule_retire(actor=request.user, rule=rule)
            messages.success(request, _("The rule is retired."))
            return redirect("risk_agency:rules")
    except DomainError as refusal:
        errors_attach(rule_form if action == "save" else backtest_form, refusal)
        error = refusal
    context = {
        "agency": agency,
        "rules": list(selectors.agency_rule_list(user=request.user, agency=agency)[:SHOWN]),
        "rule_form": rule_form,
        "backtest_form": backtest_form,
        "backtest": backtest,
    }
    return _render(request, "risk/agency/rules.html", context, error)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def shares_page(request: HttpRequest) -> HttpResponse:
    """The watch lists the agency shared with customs, and a form to share one."""
    agency = selectors.agency_of(user=request.user, code=request.GET.get("agency", ""))
    form = ShareForm(request.POST if request.method == "POST" else None)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise form_invalid()
            agency_share(
                actor=request.user,
                agency=agency,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                entries=form.entry_list(),
                note=form.cleaned_data["note"],
            )
        except DomainError as refusal:
            errors_attach(form, refusal)
            error = refusal
        else:
            messages.success(request, _("The list is shared with customs."))
            return redirect("risk_agency:shares")
    context = {
        "agency": agency,
        "form": form,
        "shares": list(selectors.agency_share_list(user=request.user, agency=agency)[:SHOWN]),
    }
    return _render(request, "risk/agency/shares.html", context, error)
