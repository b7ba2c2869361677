"""Pages of the customs domain: the live clearance dashboard and its exports."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rabta.core.errors import DomainError, NotFound
from rabta.core.exports import Column, export_format, table_export
from rabta.core.live import live_etag
from rabta.customs import dashboard
from rabta.customs.services.rollups import LIVE_TOPIC


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
    if value is not None and (key.endswith("share") or key.endswith("hit_rate")):
        return f"{round(value * 100, 1)} %"
    return value


def _titles() -> dict[str, str]:
    return {
        "filed_series": _("Declarations filed per period"),
        "lanes": _("Lane mix"),
        "release_times": _("Release times by Time Release Study stage"),
        "by_office": _("Per collectorate and port"),
        "backlog": _("Backlog waiting at each stage (now)"),
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
