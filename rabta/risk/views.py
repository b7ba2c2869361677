"""The risk analysts' pages (issue 10): officer rules (list, write, back-test, activate, retire), watch
lists, the post-clearance audit list and the live risk dashboard. Each view validates a form, calls
one selector or service and renders; a refusal is shown next to the field it names. The pages do not
exist (404) for anyone the permission layer does not give them to; a rule or list is fetched through
``visible_to`` (outside it: 404).

The declaration page's lane panel is customs' page with :func:`lane_panel` as its context."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rabta.api.errors import status_for
from rabta.complaints.forms import errors_attach
from rabta.core.errors import DomainError, NotFound, form_invalid
from rabta.core.exports import Column, export_format, table_export
from rabta.core.live import live_etag, live_response
from rabta.customs.models import Declaration
from rabta.customs.services.rollups import LIVE_TOPIC as CLEARANCE_TOPIC
from rabta.risk import selectors, selectors_agency, selectors_outside
from rabta.risk.audit import audit_candidates
from rabta.risk.choices import AgencyOutcome, AgencyResult, DecisionSource, RuleStatus
from rabta.risk.dashboard import WINDOWS, Window, risk_dashboard
from rabta.risk.forms import ActivateForm, BacktestForm, RetireForm, RuleForm, WatchListChangeForm, WatchListForm
from rabta.risk.models import RiskRule
from rabta.risk.permissions import may_read_audit_page, may_read_risk_pages, may_see_lane_reasons
from rabta.risk.services.rules import (
    LIVE_TOPIC,
    RuleInput,
    rule_activate,
    rule_backtest_record,
    rule_create,
    rule_retire,
    watchlist_entries_change,
    watchlist_save,
)

PAGE_SIZE = 25


def _analyst(request: HttpRequest) -> None:
    if not may_read_risk_pages(request.user):
        raise Http404


def _answer(request: HttpRequest, template: str, context: dict[str, Any], error: DomainError | None) -> HttpResponse:
    response = render(request, template, context)
    if error is not None:
        response.status_code = status_for(error)
    return response


# --- rules ---------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
def rules_page(request: HttpRequest) -> HttpResponse:
    """Every rule: status, lane, selection percentage, validity, author and its hits."""
    _analyst(request)
    found = selectors.rule_list(user=request.user)
    status = request.GET.get("status", "")
    if status in RuleStatus.values:
        found = found.filter(status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    hits = selectors.rule_hits(user=request.user, rules=[rule.pk for rule in page])
    rows = [{"rule": rule, "hits": hits.get(rule.pk, {})} for rule in page]
    return render(
        request, "risk/rules.html", {"page": page, "rows": rows, "status": status, "statuses": RuleStatus.choices}
    )


def _position(error: DomainError, condition: str) -> dict[str, Any] | None:
    """Where in the condition the parser stopped: its line, column and that line with a marker."""
    for problem in error.fields.get("condition", []):
        if "line" in problem and "column" in problem:
            line, column = int(problem["line"]), int(problem["column"])
            lines = condition.splitlines() or [""]
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            return {"line": line, "column": column, "text": text, "marker": " " * max(column - 1, 0) + "^"}
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def rule_new_page(request: HttpRequest) -> HttpResponse:
    """Write a rule; it is saved as a draft when its condition parses, else the error names its place."""
    _analyst(request)
    form = RuleForm(request.POST or None)
    error: DomainError | None = None
    position = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule = rule_create(
                    actor=request.user,
                    data=RuleInput(
                        name=data["name"],
                        condition=data["condition"],
                        lane=data["lane"],
                        percentage=data["percentage"],
                        valid_from=data["valid_from"],
                        valid_until=data["valid_until"],
                    ),
                )
            except DomainError as refusal:
                position = _position(refusal, data["condition"])
                errors_attach(form, refusal)
                error = refusal
            else:
                messages.success(request, _("Saved as a draft. Back-test it before activating it."))
                return redirect("risk:rule", pk=rule.pk)
        else:
            error = form_invalid()
    return _answer(request, "risk/rule_new.html", {"form": form, "error": error, "position": position}, error)


RULE_MOVES: dict[str, type[forms.Form]] = {"backtest": BacktestForm, "activate": ActivateForm, "retire": RetireForm}


def _rule_context(
    request: HttpRequest, rule: RiskRule, *, failed: str = "", bound: forms.Form | None = None
) -> dict[str, Any]:
    moves = {name: (bound if name == failed and bound is not None else cls()) for name, cls in RULE_MOVES.items()}
    return {
        "rule": rule,
        "backtests": selectors.rule_backtests(user=request.user, rule=rule),
        "hits": selectors.rule_hits(user=request.user, rules=[rule.pk]).get(rule.pk, {}),
        "moves": moves,
        "failed": failed,
        "draft": rule.status == RuleStatus.DRAFT,
        "retired": rule.status == RuleStatus.RETIRED,
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def rule_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One rule with its back-tests; a POST back-tests it, activates it or retires it."""
    _analyst(request)
    rule = selectors.rule_get(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "risk/rule.html", _rule_context(request, rule))
    name = request.POST.get("move", "")
    if name not in RULE_MOVES:
        raise Http404
    form = RULE_MOVES[name](request.POST)
    error: DomainError | None = None
    if not form.is_valid():
        error = form_invalid()
    else:
        try:
            if name == "backtest":
                rule_backtest_record(
                    actor=request.user, rule=rule, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
                )
            elif name == "activate":
                rule_activate(actor=request.user, rule=rule)
            else:
                rule_retire(actor=request.user, rule=rule, reason=form.cleaned_data["reason"])
        except DomainError as refusal:
            errors_attach(form, refusal)
            error = refusal
    if error is not None:
        context = {**_rule_context(request, rule, failed=name, bound=form), "error": error}
        return _answer(request, "risk/rule.html", context, error)
    messages.success(
        request,
        {"backtest": _("Back-tested."), "activate": _("The rule is in force."), "retire": _("The rule is retired.")}[
            name
        ],
    )
    return redirect("risk:rule", pk=rule.pk)


# --- watch lists -----------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def watchlists_page(request: HttpRequest) -> HttpResponse:
    """The watch lists (parties, codes, countries) and a form to create one."""
    _analyst(request)
    form = WatchListForm(request.POST or None)
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = watchlist_save(
                    actor=request.user,
                    name=data["name"],
                    kind=data["kind"],
                    entries=form.entry_list(),
                    party_kind=data["party_kind"] or "trader",
                    description=data["description"],
                )
            except DomainError as refusal:
                errors_attach(form, refusal, renamed={k: "entries" for k in refusal.fields if k.startswith("entries.")})
                error = refusal
            else:
                messages.success(request, _("Saved."))
                return redirect("risk:watchlist", pk=saved.pk)
        else:
            error = form_invalid()
    context = {"lists": selectors.watchlist_list(user=request.user), "form": form, "error": error}
    return _answer(request, "risk/watchlists.html", context, error)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def watchlist_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One watch list: its entries (parties masked), with entries to add and to remove."""
    _analyst(request)
    watchlist = selectors.watchlist_get(user=request.user, pk=pk)
    labels = list(watchlist.labels or watchlist.entries)
    form = WatchListChangeForm(request.POST or None, labels=labels, initial={"description": watchlist.description})
    error: DomainError | None = None
    if request.method == "POST":
        if form.is_valid():
            try:
                watchlist_entries_change(
                    actor=request.user,
                    watchlist=watchlist,
                    add=form.additions(),
                    remove=form.cleaned_data["remove"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as refusal:
                errors_attach(form, refusal, renamed={k: "add" for k in refusal.fields if k.startswith("add.")})
                error = refusal
            else:
                messages.success(request, _("Saved."))
                return redirect("risk:watchlist", pk=watchlist.pk)
        else:
            error = form_invalid()
    return _answer(request, "risk/watchlist.html", {"watchlist": watchlist, "form": form, "error": error}, error)


# --- post-clearance audit --------------------------------------------------------------------------


def _audit_columns() -> list[Column]:
    return [
        Column("rank", _("Rank")),
        Column("number", _("Declaration")),
        Column("collectorate", _("Collectorate")),
        Column("declared_on", _("Declared on")),
        Column("score", _("Audit score")),
        Column("shortfall", _("Value shortfall (PKR)")),
        Column("reasons", _("Reasons")),
    ]


def _audit_rows(request: HttpRequest) -> Any:
    for rank, candidate in enumerate(audit_candidates(user=request.user).iterator(chunk_size=1000), start=1):
        declaration = candidate.declaration
        yield {
            "rank": rank,
            "number": declaration.number,
            "collectorate": declaration.collectorate.name,
            "declared_on": declaration.declared_on,
            "score": round(candidate.score, 3),
            "shortfall": candidate.shortfall,
            "reasons": "; ".join(_reason_texts(candidate.reasons)),
        }


@never_cache
@login_required
@require_http_methods(["GET"])
def audit_page(request: HttpRequest) -> HttpResponse:
    """Released declarations ranked for post-clearance audit, with the reasons, 25 a page."""
    if not may_read_audit_page(request.user):
        raise Http404
    found = audit_candidates(user=request.user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    rows = [
        {"rank": page.start_index() + i, "candidate": candidate, "reasons": _reason_texts(candidate.reasons)}
        for i, candidate in enumerate(page)
    ]
    outside = list(selectors_outside.outside_findings_list(user=request.user)[:OUTSIDE_SHOWN])
    return render(request, "risk/audit.html", {"page": page, "rows": rows, "outside": outside})


OUTSIDE_SHOWN = 25


def _reason_texts(reasons: list[Any]) -> list[str]:
    return [str(r.get("text") or r.get("reason") or r) if isinstance(r, dict) else str(r) for r in reasons or []]


@login_required
@require_http_methods(["GET"])
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The whole audit list as CSV or Excel (core.exports.table_export)."""
    if not may_read_audit_page(request.user):
        raise Http404
    try:
        fmt = export_format(request.GET.get("format"))
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    return table_export(rows=_audit_rows(request), columns=_audit_columns(), fmt=fmt, filename="post-clearance-audit")


# --- the risk dashboard ----------------------------------------------------------------------------


def _dashboard_columns() -> dict[str, list[Column]]:
    return {
        "lanes": [
            Column("lane", _("Lane")),
            Column("decided", _("Declarations")),
            Column("share", _("Share")),
            Column("examined", _("Examined")),
            Column("hits", _("Hits")),
            Column("hit_rate", _("Hit rate")),
            Column("extra_duty", _("Extra duty raised (PKR)")),
        ],
        "sources": [
            Column("label", _("Selected by")),
            Column("decided", _("Declarations")),
            Column("examined", _("Examined")),
            Column("hits", _("Hits")),
            Column("hit_rate", _("Hit rate")),
        ],
        "rules": [
            Column("name", _("Rule")),
            Column("matched", _("Matched")),
            Column("selected", _("Selected")),
            Column("examined", _("Examined")),
            Column("hits", _("Hits")),
            Column("hit_rate", _("Hit rate")),
            Column("extra_duty", _("Extra duty raised (PKR)")),
        ],
        "bins": [
            Column("bin", _("Score")),
            Column("training", _("Training window share")),
            Column("recent", _("Recent share")),
        ],
    }


def _cell(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in {"share", "hit_rate", "training", "recent"}:
        return f"{round(value * 100, 1)} %"
    if key == "extra_duty":
        return f"{value:,.2f}"
    return value


def _dashboard_tables(panels: dict[str, Any]) -> list[dict[str, Any]]:
    titles = {
        "lanes": _("Lane mix and hit rate per lane"),
        "sources": _("Hit rate by what selected the declaration"),
        "rules": _("Each rule's performance"),
        "bins": _("Model score distribution: training window and recent"),
    }
    tables = []
    for key, columns in _dashboard_columns().items():
        rows = panels["drift"]["bins"] if key == "bins" else panels[key]
        tables.append(
            {
                "key": key,
                "title": titles[key],
                "columns": [{"key": c.key, "label": c.label} for c in columns],
                "rows": [[_cell(str(c.key), row.get(str(c.key))) for c in columns] for row in rows],
            }
        )
    return tables


def _window(request: HttpRequest) -> Window:
    return Window.of(request.GET.get("days"))


@never_cache
@login_required
@require_http_methods(["GET"])
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Lane mix, hit rates, revenue raised, rule performance and drift, kept live by rabta/live.js."""
    _analyst(request)
    window = _window(request)
    variant = f"{window.days}|{get_language()}"
    etag = live_etag([CLEARANCE_TOPIC, LIVE_TOPIC], variant)  # taken before reading: a change meanwhile is polled
    panels = risk_dashboard(user=request.user, window=window)
    return render(
        request,
        "risk/dashboard.html",
        {
            "panels": panels,
            "tables": _dashboard_tables(panels),
            "etag": etag,
            "windows": WINDOWS,
            "window": window,
            "live_url": f"{request.path}live/?days={window.days}",
            "labels": json.dumps(
                {
                    "declarations": _("Declarations"),
                    "hit_rate": _("Hit rate"),
                    "training": _("Training window"),
                    "recent": _("Recent"),
                },
                ensure_ascii=False,
            ),
        },
    )


@login_required
@require_http_methods(["GET"])
def dashboard_live(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures as JSON for rabta/live.js (304 while nothing changed)."""
    _analyst(request)
    window = _window(request)
    return live_response(
        request,
        topics=[CLEARANCE_TOPIC, LIVE_TOPIC],
        variant=f"{window.days}|{get_language()}",
        build=lambda: risk_dashboard(user=request.user, window=window),
    )


# --- the declaration page's lane panel (customs' page, risk's context) -------------------------------


def lane_panel(request: HttpRequest, declaration: Declaration) -> dict[str, Any] | None:
    """The latest lane decision with its reasons for the declaration page, or ``None`` for a reader
    who may not see why a declaration was selected."""
    if not may_see_lane_reasons(request.user):
        return None
    decision = selectors.lane_decision_latest(user=request.user, declaration=declaration)
    if decision is None:
        return None
    source = decision["source"]
    label = DecisionSource(source).label if source in DecisionSource.values else source
    outside = selectors_outside.declaration_outside_findings(user=request.user, declaration=declaration)
    return {
        **decision,
        "source_label": label,
        "agencies": _agency_outcomes(request, declaration),
        "outside_findings": outside,
    }


def _agency_outcomes(request: HttpRequest, declaration: Declaration) -> list[dict[str, Any]]:
    """The border agencies' outcomes beside the lane (they never change it), with their results,
    labelled; none for a reader the agencies' selector does not answer."""
    try:
        rows = selectors_agency.declaration_agency_outcomes(user=request.user, number=declaration.number)
    except (Http404, NotFound):
        return []
    outcomes, results = dict(AgencyOutcome.choices), dict(AgencyResult.choices)
    return [
        {
            **row,
            "outcome_label": outcomes.get(row["outcome"], row["outcome"]),
            "result_label": results.get(row["result"], row["result"]),
        }
        for row in rows
        if row["outcome"] != AgencyOutcome.NOT_SELECTED
    ]
