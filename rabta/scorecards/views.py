"""The scorecards' pages: the public scorecard (no login), a unit's scorecard with its drill-down,
the league tables, the definitions, the monthly report, and, for staff in scope, the complaints
behind a figure. Every table can be downloaded as CSV or Excel with the filters applied."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rabta.complaints.selectors import PAGE_SIZE_MAX
from rabta.core.errors import DomainError, Forbidden, NotFound, Unprocessable
from rabta.core.exports import Column, table_export
from rabta.core.live import live_etag
from rabta.scorecards import selectors, tables
from rabta.scorecards.definitions import BACKLOG, BY_NAME, DEFINITIONS
from rabta.scorecards.forms import LeagueForm, LiveForm, PeriodForm
from rabta.scorecards.permissions import may_watch_live
from rabta.scorecards.services import LIVE_TOPIC, rollup_fold_live
from rabta.scorecards.views_actions import league_actions, unit_actions

DEFAULT_MEASURE = "satisfaction_rate"


def _language() -> str:
    return (get_language() or "en")[:2]


def _filters(form: PeriodForm) -> dict[str, Any]:
    """The form's valid filters (an invalid field is shown next to it and left out)."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {name: data.get(name) for name in form.fields if name not in form.errors}


def _field_errors(form: PeriodForm, error: DomainError) -> None:
    for name, problems in (error.fields or {}).items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem["message"])


def _status(error: DomainError) -> int:
    """A period the wrong way round or too long is a 422 (as in the API), any other bad filter a 400."""
    return 422 if isinstance(error, Unprocessable) else 400


def _export(request: HttpRequest, columns: list[Column], rows: Any, filename: str) -> HttpResponseBase:
    return table_export(rows=rows, columns=columns, fmt=request.GET.get("format", ""), filename=filename)


def _wants_export(request: HttpRequest) -> str:
    return request.GET.get("export", "")


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def index(request: HttpRequest) -> HttpResponseBase:
    """The public scorecard: the nation, each government and each department, and the districts."""
    form = PeriodForm(request.GET or None)
    filters = _filters(form)
    measure = filters.get("measure") or DEFAULT_MEASURE
    language = _language()
    try:
        card = selectors.published(start=filters.get("start"), end=filters.get("end"))
        tiles = selectors.district_tiles(measure=measure, start=card.start, end=card.end)
    except DomainError as error:
        _field_errors(form, error)
        return render(request, "scorecards/index.html", {"form": form, "card": None}, status=_status(error))
    export = _wants_export(request)
    if export == "governments":
        return _export(request, tables.unit_columns(), tables.unit_rows(card.governments, language), "governments")
    if export == "departments":
        rows = [(department, measures) for _government, department, measures in card.departments]
        return _export(request, tables.unit_columns(), tables.unit_rows(rows, language), "departments")
    if export:
        raise Http404
    return render(
        request,
        "scorecards/index.html",
        {
            "form": form,
            "card": card,
            "tiles": tiles,
            "measure": BY_NAME[measure],
            "definitions": DEFINITIONS,
            "query": _query_without(request, "export", "format"),
        },
    )


def unit(request: HttpRequest, level: str, code: str) -> HttpResponseBase:
    """One unit's scorecard: its measures, backlog, groups and categories, and its children to
    drill down into. Staff in scope also get the complaints behind the figures."""
    form = PeriodForm(request.GET or None)
    filters = _filters(form)
    language = _language()
    try:
        card = selectors.scorecard(level=level, code=code, start=filters.get("start"), end=filters.get("end"))
        categories = selectors.unit_categories(unit=card.unit, start=card.start, end=card.end, language=language)
    except NotFound as missing:
        raise Http404 from missing
    except DomainError as error:
        if "level" in (error.fields or {}):
            raise Http404 from error
        _field_errors(form, error)
        return render(request, "scorecards/unit.html", {"form": form, "card": None}, status=_status(error))
    actions = unit_actions(request, card)
    export = _wants_export(request)
    if export == "children":
        return _export(request, tables.unit_columns(), tables.unit_rows(card.children, language), f"{code}-below")
    if export == "groups":
        return _export(request, tables.cell_columns(), tables.cell_rows(card.groups), f"{code}-groups")
    if export == "categories":
        return _export(request, tables.cell_columns(), tables.cell_rows(categories), f"{code}-categories")
    if export:
        raise Http404
    return render(
        request,
        "scorecards/unit.html",
        {
            "form": form,
            "card": card,
            "categories": categories,
            "definitions": DEFINITIONS,
            "backlog": [(definition, card.backlog[definition.name]) for definition in BACKLOG],
            "may_drill": selectors.may_drill(user=request.user, unit=card.unit),
            **actions,
            "min_cell": selectors.min_cell(),
            "query": _query_without(request, "export", "format"),
        },
    )


def league(request: HttpRequest) -> HttpResponseBase:
    """Offices ranked within their volume group, over a rolling window."""
    form = LeagueForm(request.GET or None)
    filters = _filters(form)
    measure = filters.get("measure") or DEFAULT_MEASURE
    language = _language()
    try:
        rows = selectors.league_table(
            measure=measure,
            start=filters.get("start"),
            end=filters.get("end"),
            government=filters.get("government") or "",
            department=filters.get("department") or "",
            min_sample=filters.get("min_sample"),
        )
    except DomainError as error:
        _field_errors(form, error)
        return render(request, "scorecards/league.html", {"form": form, "rows": None}, status=_status(error))
    if request.GET.get("format"):
        return _export(request, tables.league_columns(), tables.league_rows(rows, language), "league")
    actions = league_actions(request, rows, start=filters.get("start"), end=filters.get("end"))
    return render(
        request,
        "scorecards/league.html",
        {
            "form": form,
            "rows": rows,
            "measure": BY_NAME[measure],
            "definitions": DEFINITIONS,
            "min_sample": filters.get("min_sample") or selectors.settings.RABTA_LEAGUE_MIN_SAMPLE,
            "actions": actions,
            "min_cell": selectors.min_cell(),
            "query": _query_without(request, "format"),
        },
    )


def definitions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scorecards/definitions.html",
        {
            "definitions": DEFINITIONS,
            "backlog": BACKLOG,
            "min_cell": selectors.min_cell(),
            "min_sample": selectors.settings.RABTA_LEAGUE_MIN_SAMPLE,
        },
    )


def report(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The monthly report, laid out to print (the browser's Print to PDF makes the PDF)."""
    try:
        first, last = selectors.month_period(year, month)
    except DomainError as error:
        raise Http404 from error
    card = selectors.published(start=first, end=last)
    nation = selectors.scorecard(level="nation", code=selectors.NATION_ID, start=first, end=last)
    return render(
        request,
        "scorecards/report.html",
        {
            "card": card,
            "groups": nation.groups,
            "backlog": [(definition, nation.backlog[definition.name]) for definition in BACKLOG],
            "definitions": DEFINITIONS,
            "users": selectors.registered_users(),
        },
    )


@login_required
def complaints(request: HttpRequest, level: str, code: str) -> HttpResponseBase:
    """Staff: the complaints behind one figure of a unit, within their scope (404 outside it)."""
    figure = request.GET.get("figure", selectors.Figure.PENDING)
    form = PeriodForm(request.GET or None)
    filters = _filters(form)
    try:
        unit_ = selectors.staff_unit(user=request.user, level=level, code=code)
        rows = selectors.figure_complaints(
            user=request.user,
            level=level,
            code=code,
            figure=figure,
            start=filters.get("start"),
            end=filters.get("end"),
            limit=PAGE_SIZE_MAX,
        )
    except NotFound as missing:
        raise Http404 from missing
    except DomainError as error:
        if isinstance(error, Forbidden):
            raise PermissionDenied(error.message) from error
        _field_errors(form, error)
        return render(request, "scorecards/complaints.html", {"form": form, "rows": None}, status=_status(error))
    if request.GET.get("format"):
        columns = [
            Column("tracking_number", _("Tracking number")),
            Column("status", _("Status")),
            Column("category", _("Category")),
            Column("office", _("Office")),
            Column("received_at", _("Received")),
        ]
        data = [
            {
                "tracking_number": row.tracking_number,
                "status": row.get_status_display(),
                "category": row.category.code,
                "office": row.current_office.code if row.current_office else "",
                "received_at": row.created_at,
            }
            for row in rows
        ]
        return _export(request, columns, data, f"{code}-{figure}")
    return render(
        request,
        "scorecards/complaints.html",
        {"form": form, "rows": rows, "unit": unit_, "figure": figure, "query": _query_without(request, "format")},
    )


def live(request: HttpRequest) -> HttpResponseBase:
    """The live dashboard for senior management: the unit's counts, rates and backlog, the days'
    trend (a chart and its table), the districts coloured by a measure; filtered by government and
    department. The figures follow the complaints' moves by polling (rabta/static/rabta/live.js)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_watch_live(request.user):
        raise PermissionDenied(_("The live dashboard is for supervisors, oversight units and administrators."))
    form = LiveForm(request.GET or None)
    filters = _filters(form)
    language = _language()
    government = filters.get("government") or ""
    department = filters.get("department") or ""
    measure = filters.get("measure") or DEFAULT_MEASURE
    try:
        unit_, first, last = selectors.live_filters(
            government=government,
            department=department,
            measure=measure,
            start=filters.get("start"),
            end=filters.get("end"),
        )
    except NotFound as missing:
        raise Http404 from missing
    except DomainError as error:
        _field_errors(form, error)
        return render(request, "scorecards/live.html", {"form": form, "figures": None}, status=_status(error))
    rollup_fold_live()
    # The tag is taken before the figures are read: a fold committed meanwhile makes the first poll fetch.
    variant = f"{government}|{department}|{measure}|{first}|{last}|{language}|{timezone.localdate()}"
    etag = live_etag([LIVE_TOPIC], variant)
    figures = selectors.live_figures(
        government=government, department=department, measure=measure, start=first, end=last, language=language
    )
    query = {"government": government, "department": department, "measure": measure, "lang": language}
    if filters.get("start"):
        query["start"] = first.isoformat()
    if filters.get("end"):
        query["end"] = last.isoformat()
    return render(
        request,
        "scorecards/live.html",
        {
            "form": form,
            "figures": figures,
            "unit": unit_,
            "etag": etag,
            "live_url": f"/api/scorecards/live?{urlencode(query)}",
            "measure": BY_NAME[measure],
            "totals": [(BY_NAME[name], figures["totals"][name]) for name in selectors.LIVE_MEASURES],
            "backlog": [(definition, figures["backlog"][definition.name]) for definition in BACKLOG],
            "labels": {
                "received": str(_("Received")),
                "resolved": str(_("Resolved")),
                "satisfaction_rate": str(_("Satisfaction rate")),
                "too_few": str(_("too few")),
            },
        },
    )
