"""The scorecards' API: the published measures are open to everyone (statistics only, never
identities); the complaints behind a figure are for office staff and oversight, within their scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import get_language
from ninja import Router, Schema

from rabta.api.params import Int64
from rabta.api.schemas import ErrorOut
from rabta.core.live import live_response
from rabta.scorecards import selectors
from rabta.scorecards.permissions import require_live_watcher
from rabta.scorecards.selectors import Cell, Measures, Unit
from rabta.scorecards.services import LIVE_TOPIC, rollup_fold_live

router = Router(tags=["scorecards"])
LIVE_SHARED_S = 10  # seconds a built live answer serves every viewer of the same tag


class MeasuresOut(Schema):
    received: int
    resolved: int
    resolution_rate: float | None
    satisfaction_rate: float | None
    reopen_rate: float | None
    appeal_rate: float | None
    appeal_upheld_rate: float | None
    confirmed_closures: int
    unconfirmed_closures: int
    within_deadline_share: float | None
    median_days: str | None
    p90_days: str | None
    escalated: int
    transferred: int


class GovernmentMeasuresOut(MeasuresOut):
    code: str
    name: str


class UnitOut(Schema):
    level: str
    id: str
    name: str
    name_ur: str
    started: date | None = None


class UnitMeasuresOut(Schema):
    unit: UnitOut
    measures: MeasuresOut


class CellOut(Schema):
    code: str
    label: str
    suppressed: bool  # fewer complaints than the minimum cell: no figure is published
    measures: MeasuresOut | None


class BacklogOut(Schema):
    pending: int
    over_30: int
    over_60: int
    over_90: int


class ScorecardOut(Schema):
    unit: UnitOut
    start: date
    end: date
    measures: MeasuresOut
    backlog: BacklogOut
    groups: list[CellOut]
    children: list[UnitMeasuresOut]


class LeagueRowOut(Schema):
    unit: UnitOut
    volume_group: str
    rank: int | None
    new: bool
    measures: MeasuresOut


class UsersOut(Schema):
    type: str
    label: str
    count: int | None  # None: fewer than the minimum cell


class FigureComplaintOut(Schema):
    tracking_number: str
    status: str
    category: str
    office: str
    received_at: datetime
    resolve_due_at: datetime | None


def _measures(measures: Measures) -> MeasuresOut:
    return MeasuresOut(**measures.as_dict())


def _unit(unit: Unit) -> UnitOut:
    return UnitOut(level=unit.level, id=unit.code, name=unit.name, name_ur=unit.name_ur, started=unit.started)


def _cell(cell: Cell) -> CellOut:
    return CellOut(
        code=cell.code,
        label=cell.label,
        suppressed=cell.suppressed,
        measures=None if cell.measures is None else _measures(cell.measures),
    )


@router.get(
    "/governments",
    auth=None,
    response={200: list[GovernmentMeasuresOut], 400: ErrorOut, 422: ErrorOut},
    summary="The published measures of every government over a period (default: the last 90 days)",
)
def governments(
    request: HttpRequest, start: date | None = None, end: date | None = None
) -> list[GovernmentMeasuresOut]:
    first, last = selectors.period(start, end)
    return [
        GovernmentMeasuresOut(code=row.code, name=row.name, **row.measures.as_dict())
        for row in selectors.government_measures(start=first, end=last)
    ]


@router.get(
    "/league",
    auth=None,
    response={200: list[LeagueRowOut], 400: ErrorOut, 422: ErrorOut},
    summary="Offices ranked by a measure within their volume group, over a rolling window (default 90 days)",
)
def league(
    request: HttpRequest,
    measure: str = "satisfaction_rate",
    start: date | None = None,
    end: date | None = None,
    government: str = "",
    department: str = "",
    min_sample: Int64 | None = None,
) -> list[LeagueRowOut]:
    rows = selectors.league_table(
        measure=measure, start=start, end=end, government=government, department=department, min_sample=min_sample
    )
    return [
        LeagueRowOut(
            unit=_unit(row.unit), volume_group=row.group, rank=row.rank, new=row.new, measures=_measures(row.measures)
        )
        for row in rows
    ]


@router.get(
    "/users",
    auth=None,
    response={200: list[UsersOut]},
    summary="Registered complainants by type (counts only; small counts suppressed)",
)
def users(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.registered_users()


# The live dashboard (rabta.core.live): a poll that sends back its ETag gets an empty 304 until a
# fold counts something new; the first poll after a change builds the answer once for every viewer
# of the same filters (shared_s). Each poll also folds what is new, at most once a second in all.
@router.get(
    "/live",
    response={
        200: dict[str, Any],
        304: None,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="The live dashboard's figures: counts, rates, backlog by age, the days' trend, the district tiles",
    description="Supervisors, oversight units and administrators. Send `If-None-Match` with the last `ETag`: "
    "304 while nothing changed. `government`, `department` are codes (unknown: 404); `measure` colours the "
    "tiles; `start`/`end` a period (default the last 90 days; reversed or over three years: 422); `lang` en or ur.",
)
def live(
    request: HttpRequest,
    government: str = "",
    department: str = "",
    measure: str = "satisfaction_rate",
    start: date | None = None,
    end: date | None = None,
    lang: str = "",
) -> HttpResponse:
    require_live_watcher(request.user)
    language = lang if lang in dict(settings.LANGUAGES) else (get_language() or "en")[:2]
    with translation.override(language):
        # Bad filters are refused before anything is folded or cached (a 404 or 422 naming the field).
        _unit, first, last = selectors.live_filters(
            government=government, department=department, measure=measure, start=start, end=end
        )
        rollup_fold_live()
        variant = f"{government}|{department}|{measure}|{first}|{last}|{language}|{timezone.localdate()}"

        def build() -> dict[str, Any]:
            with translation.override(language):
                return selectors.live_figures(
                    government=government,
                    department=department,
                    measure=measure,
                    start=first,
                    end=last,
                    language=language,
                )

        return live_response(request, topics=[LIVE_TOPIC], variant=variant, build=build, shared_s=LIVE_SHARED_S)


@router.get(
    "/{level}/{id}",
    auth=None,
    response={200: ScorecardOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The scorecard of one unit (nation/pk, government, department, office, province, district "
    "by code) with its children's measures, to drill down",
)
def unit_scorecard(
    request: HttpRequest, level: str, id: str, start: date | None = None, end: date | None = None
) -> ScorecardOut:
    card = selectors.scorecard(level=level, code=id, start=start, end=end)
    return ScorecardOut(
        unit=_unit(card.unit),
        start=card.start,
        end=card.end,
        measures=_measures(card.measures),
        backlog=BacklogOut(**card.backlog),
        groups=[_cell(cell) for cell in card.groups],
        children=[UnitMeasuresOut(unit=_unit(child), measures=_measures(m)) for child, m in card.children],
    )


@router.get(
    "/{level}/{id}/categories",
    auth=None,
    response={200: list[CellOut], 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The measures of one unit by category (small cells suppressed)",
)
def unit_categories(
    request: HttpRequest, level: str, id: str, start: date | None = None, end: date | None = None
) -> list[CellOut]:
    unit = selectors.unit_get(level=level, code=id)
    first, last = selectors.period(start, end)
    return [_cell(cell) for cell in selectors.unit_categories(unit=unit, start=first, end=last)]


@router.get(
    "/{level}/{id}/complaints",
    response={200: list[FigureComplaintOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Staff: the complaints behind one figure of a unit, within the caller's scope (oldest first)",
)
def figure_complaints(
    request: HttpRequest,
    level: str,
    id: str,
    figure: str = selectors.Figure.PENDING,
    start: date | None = None,
    end: date | None = None,
    after: Int64 | None = None,
    limit: Int64 = 50,
) -> list[FigureComplaintOut]:
    rows = selectors.figure_complaints(
        user=request.user, level=level, code=id, figure=figure, start=start, end=end, after=after, limit=limit
    )
    return [
        FigureComplaintOut(
            tracking_number=row.tracking_number,
            status=row.status,
            category=row.category.code,
            office=row.current_office.code if row.current_office else "",
            received_at=row.created_at,
            resolve_due_at=row.resolve_due_at,
        )
        for row in rows
    ]
