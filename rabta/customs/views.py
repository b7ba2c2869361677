"""Customs staff pages: the declarations in scope, and one declaration with its items, parties
(masked), lane and why, examination, clearance trail, the complaints about it and the officer's
moves. Each view validates a form, calls one selector or service, and renders; what a user may do
is the permission layer's (``moves_open`` offers, the services decide). Outside scope: 404.

The live clearance dashboard and its exports are here too (``dashboard_page``, ``dashboard_export``)."""

from __future__ import annotations

import json
from decimal import Decimal
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
from rabta.complaints.choices import Status as ComplaintStatus
from rabta.complaints.forms import errors_attach
from rabta.complaints.permissions import may_read_office_lists
from rabta.complaints.selectors import complaints_about_declaration
from rabta.core.errors import DomainError, NotFound, form_invalid
from rabta.core.exports import Column, export_format, table_export
from rabta.core.live import live_etag
from rabta.customs import dashboard, selectors
from rabta.customs.choices import Status
from rabta.customs.forms import DeclarationFilterForm, ExaminationForm, LaneForm, PaymentForm, StageForm
from rabta.customs.models import Declaration
from rabta.customs.permissions import Action, may_read_pages, moves_open
from rabta.customs.services import clearance
from rabta.customs.services.declarations import lane_assign
from rabta.customs.services.rollups import LIVE_TOPIC
from rabta.directory import selectors as directory
from rabta.directory.choices import OfficeLevel
from rabta.enforcement.permissions import may_see_incidents_of_declaration
from rabta.enforcement.selectors import incidents_naming_parties
from rabta.risk import views as risk_views

PAGE_SIZE = 25

# Each move: its form and how the service is called with the form's data.
MOVES: dict[str, tuple[Action, type[forms.Form]]] = {
    "lane": (Action.ASSIGN_LANE, LaneForm),
    "documents": (Action.CHECK_DOCUMENTS, StageForm),
    "examination": (Action.EXAMINE, ExaminationForm),
    "assessment": (Action.ASSESS, StageForm),
    "payment": (Action.RECORD_PAYMENT, PaymentForm),
    "release": (Action.RELEASE, StageForm),
}


def _call(name: str, declaration: Declaration, actor: Any, data: dict[str, Any]) -> None:
    if name == "lane":
        lane_assign(declaration=declaration, actor=actor, lane=data["lane"], reason=data["reason"])
    elif name == "documents":
        clearance.declaration_check_documents(declaration=declaration, actor=actor, reason=data["reason"])
    elif name == "examination":
        clearance.declaration_examine(
            declaration=declaration,
            actor=actor,
            outcome=data["outcome"],
            discrepancy_type=data["discrepancy_type"],
            extra_duty=data["extra_duty"] if data["extra_duty"] is not None else Decimal(0),
            remarks=data["remarks"],
        )
    elif name == "assessment":
        clearance.declaration_assess(declaration=declaration, actor=actor, reason=data["reason"])
    elif name == "payment":
        clearance.declaration_record_payment(declaration=declaration, actor=actor, amount=data["amount"])
    else:
        clearance.declaration_release(declaration=declaration, actor=actor, reason=data["reason"])


def _staff(request: HttpRequest) -> None:
    if not may_read_pages(request.user):
        raise Http404


def _collectorates() -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in directory.office_search(level=OfficeLevel.COLLECTORATE, limit=None)]


@never_cache
@login_required
@require_http_methods(["GET"])
def declaration_list_page(request: HttpRequest) -> HttpResponse:
    """The declarations in the user's scope, newest first, by stage and collectorate, 25 a page."""
    _staff(request)
    form = DeclarationFilterForm(request.GET or None, collectorates=_collectorates())
    page = None
    error: DomainError | None = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        try:
            found = selectors.declaration_list(
                user=request.user, status=data.get("status", ""), collectorate=data.get("collectorate", "")
            )
            page = Paginator(found, PAGE_SIZE).get_page(data.get("page") or 1)
        except DomainError as refusal:
            errors_attach(form, refusal)
            error = refusal
    else:
        error = form_invalid()
    query = request.GET.copy()
    query.pop("page", None)
    response = render(request, "customs/declarations.html", {"form": form, "page": page, "query": query.urlencode()})
    if error is not None:
        response.status_code = status_for(error)
    return response


def _page(
    request: HttpRequest,
    declaration: Declaration,
    *,
    failed: str = "",
    bound: forms.Form | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    open_moves = set(moves_open(request.user, declaration))
    move_forms = {
        name: (bound if name == failed and bound is not None else form_class())
        for name, (action, form_class) in MOVES.items()
        if action in open_moves
    }
    context = {
        "declaration": declaration,
        "items": list(declaration.items.all()),
        "examination": selectors.examination_of(declaration),
        "lane": selectors.declaration_lane_reason(declaration),
        "timeline": [
            {**row, "stage": Status(row["to_state"]).label if row["to_state"] in Status.values else row["kind"]}
            for row in selectors.declaration_timeline(user=request.user, number=declaration.number)
        ],
        "complaints": [
            {
                "row": row,
                "status": ComplaintStatus(row.status).label if row.status in ComplaintStatus.values else row.status,
            }
            for row in complaints_about_declaration(user=request.user, declaration=declaration)
        ],
        # The complaint's work page is office staff's and oversight's; others read the row alone.
        "complaint_links": may_read_office_lists(request.user),
        # The approved incidents naming its parties, to a reader of both (enforcement's permission).
        "enforcement_incidents": (
            incidents_naming_parties(
                user=request.user,
                party_ids=[declaration.importer_id, declaration.declarant_id, declaration.seller_id],
            )
            if may_see_incidents_of_declaration(request.user)
            else None
        ),
        "moves": move_forms,
        # The risk engine's reasons (rules hit, model score, random or top-up), for those who may know them.
        "risk_lane": risk_views.lane_panel(request, declaration),
        "failed": failed,
        "error": error,
    }
    response = render(request, "customs/declaration.html", context)
    if error is not None:
        response.status_code = status_for(error)
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def declaration_page(request: HttpRequest, number: str) -> HttpResponse:
    """One declaration; a POST makes the move its ``move`` field names, through the service."""
    _staff(request)
    declaration = selectors.declaration_get(user=request.user, number=number)
    if request.method == "GET":
        return _page(request, declaration)
    name = request.POST.get("move", "")
    if name not in MOVES:
        raise Http404
    form = MOVES[name][1](request.POST)
    if not form.is_valid():
        return _page(request, declaration, failed=name, bound=form, error=form_invalid())
    try:
        _call(name, declaration, request.user, form.cleaned_data)
    except DomainError as refusal:
        errors_attach(form, refusal)
        return _page(request, declaration, failed=name, bound=form, error=refusal)
    messages.success(request, _("Recorded."))
    return redirect("customs:declaration", number=declaration.number)


def _columns() -> dict[str, list[Column]]:
    """Every table of the dashboard: its columns, in the page's language (the exports use the same)."""
    return {
        "filed_series": [
            Column("period", _("Period starting")),
            Column("filed", _("Filed")),
            Column("released", _("Released")),
        ],
        "lanes": [
            Column("lane", _("Lane")),
            Column("declarations", _("Declarations")),
            Column("share", _("Share")),
            Column("rerouted", _("Re-routed")),
        ],
        "release_times": [
            Column("label", _("Stage")),
            Column("declarations", _("Declarations")),
            Column("median_hours", _("Median (hours)")),
            Column("p90_hours", _("90th percentile (hours)")),
            Column("mean_hours", _("Mean (hours)")),
        ],
        "by_office": [
            Column("collectorate", _("Collectorate")),
            Column("port", _("Port or station")),
            Column("filed", _("Filed")),
            Column("released", _("Released")),
            Column("examined", _("Examined")),
            Column("detections", _("Detections")),
            Column("hit_rate", _("Hit rate")),
            Column("duty_collected", _("Duty collected (PKR)")),
        ],
        "backlog": [Column("label", _("Waiting at")), Column("declarations", _("Declarations"))],
        "backlog_by_office": [
            Column("collectorate", _("Collectorate")),
            Column("port", _("Port or station")),
            *(Column(status.value, str(status.label)) for status in Status if status != Status.RELEASED),
            Column("waiting", _("Waiting in all")),
        ],
        "complaints": [
            Column("collectorate", _("Collectorate")),
            Column("complaints", _("Customs complaints")),
            Column("women_led", _("From women-led businesses")),
            Column("women_led_share", _("Share women-led")),
            Column("youth_led", _("From youth-led businesses")),
            Column("youth_led_share", _("Share youth-led")),
        ],
    }


def _cell(key: str, value: Any) -> Any:
    """A table cell as the page shows it (dashboard.js formats the live updates alike)."""
    if value is None:
        return value
    if key.endswith("share") or key.endswith("hit_rate"):
        return f"{round(value * 100, 1)} %"
    if key == "period":  # "2026-12-07 08:00", in the dashboard's time zone, as the ISO value says
        return str(value)[:16].replace("T", " ")
    if key == "duty_collected":
        return f"{value:,.2f}"
    return value


def _titles() -> dict[str, str]:
    return {
        "filed_series": _("Declarations filed per period"),
        "lanes": _("Lane mix"),
        "release_times": _("Release times by Time Release Study stage"),
        "by_office": _("Per collectorate and port"),
        "backlog": _("Backlog waiting at each stage (now)"),
        "backlog_by_office": _("Backlog per collectorate and port (now)"),
        "complaints": _("Customs complaints per collectorate"),
    }


def _filters(request: HttpRequest, *, window: str | None = None) -> dashboard.Filters:
    try:
        return dashboard.dashboard_filters(
            user=request.user,
            collectorate=request.GET.get("collectorate", ""),
            port=request.GET.get("port", ""),
            window=request.GET.get("window", "") if window is None else window,
        )
    except NotFound as error:
        raise Http404 from error


def dashboard_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    try:
        filters = _filters(request)
        problem = ""
    except DomainError as error:
        filters, problem = _filters(request, window=dashboard.DEFAULT_WINDOW), error.message
    # The tag is taken before the panels are read: a move committed meanwhile makes the first poll fetch.
    variant = f"{filters.variant()}|{get_language()}"
    etag = live_etag([LIVE_TOPIC], variant)
    panels = dashboard.dashboard_panels(filters=filters)
    columns = _columns()
    titles = _titles()
    tables = [
        {
            "key": key,
            "title": titles[key],
            "columns": [{"key": column.key, "label": column.label} for column in columns[key]],
            "rows": [
                [_cell(str(column.key), row.get(str(column.key))) for column in columns[key]] for row in panels[key]
            ],
        }
        for key in columns
    ]
    query = request.GET.urlencode()
    live_query = request.GET.copy()
    live_query["lang"] = get_language()
    return render(
        request,
        "customs/dashboard.html",
        {
            "panels": panels,
            "tables": tables,
            "filters": filters,
            "problem": problem,
            "etag": etag,
            "offices": dashboard.dashboard_offices(user=request.user),
            "windows": dashboard.window_labels(),
            "query": query,
            "panels_url": f"/api/customs/dashboard/panels?{live_query.urlencode()}",
            "labels": json.dumps(
                {
                    "filed": _("Filed"),
                    "released": _("Released"),
                    "declarations": _("Declarations"),
                    "median": _("Median (hours)"),
                    "p90": _("90th percentile (hours)"),
                },
                ensure_ascii=False,
            ),
            "columns_json": {key: [column.key for column in cols] for key, cols in columns.items()},
        },
    )


def dashboard_export(request: HttpRequest, panel: str) -> HttpResponseBase:
    """One table of the dashboard as CSV or Excel, with the page's filters."""
    if not request.user.is_authenticated:
        raise Http404
    columns = _columns()
    if panel not in columns:
        raise Http404
    try:
        fmt = export_format(request.GET.get("format"))
        filters = _filters(request)
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    rows: list[dict[str, Any]] = dashboard.dashboard_panels(filters=filters)[panel]
    return table_export(rows=rows, columns=columns[panel], fmt=fmt, filename=f"clearance-{panel}-{filters.window}")
