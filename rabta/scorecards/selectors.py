"""Reads: the published measures, summed from the daily roll-ups (never from the complaints)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rabta.accounts.roles import office_scope
from rabta.complaints.choices import OPEN_STATUSES, Status
from rabta.complaints.models import Category, Complaint
from rabta.complaints.permissions import may_read_office_lists, require_office_reader
from rabta.complaints.selectors import LIST_FIELDS, page_size
from rabta.core.errors import DomainError, NotFound, Unprocessable
from rabta.directory.choices import JurisdictionKind
from rabta.directory.models import Department, Government, Jurisdiction, Office
from rabta.scorecards.choices import ComplainantGroup, Level, VolumeGroup
from rabta.scorecards.errors import ScorecardsError
from rabta.scorecards.models import COUNTERS, DAY_BUCKETS, ComplaintTrack, DailyRollup, GroupRollup, UnitRollup

MAX_RANGE = timedelta(days=3 * 366)
MAX_OFFICES = 1_000


@dataclass(frozen=True)
class Measures:
    counts: dict[str, int]  # every counter of the roll-ups, summed

    @property
    def received(self) -> int:
        return self.counts["received"]

    @property
    def resolved(self) -> int:
        return self.counts["resolved"]

    @property
    def escalated(self) -> int:
        return self.counts["escalated"]

    @property
    def transferred(self) -> int:
        return self.counts["transferred"]

    @property
    def resolution_rate(self) -> float | None:
        """Resolutions per complaint received in the same period."""
        return _rate(self.counts["resolved"], self.counts["received"])

    @property
    def satisfaction_rate(self) -> float | None:
        """Satisfied answers among the rated ones: closure alone is not success."""
        return _rate(self.counts["feedback_satisfied"], self.counts["feedback_rated"])

    @property
    def reopen_rate(self) -> float | None:
        return _rate(self.counts["reopened"], self.counts["resolved"])

    @property
    def appeal_rate(self) -> float | None:
        return _rate(self.counts["appealed"], self.counts["resolved"])

    @property
    def within_deadline_share(self) -> float | None:
        """Resolutions made by their deadline, among the resolutions whose deadline is known."""
        return _rate(self.counts["resolved_within_deadline"], self.counts["resolved_with_deadline"])

    @property
    def appeal_upheld_rate(self) -> float | None:
        """Appeals decided for the complainant (more relief than the resolution gave), among those decided."""
        return _rate(self.counts["appeals_upheld"], self.counts["appeals_decided"])

    @property
    def confirmed_closures(self) -> int:
        """Closed because the complainant said they were satisfied."""
        return self.counts["feedback_satisfied"]

    @property
    def unconfirmed_closures(self) -> int:
        """Closed because the complainant did not answer in time: not a success, not a failure."""
        return self.counts["closed_unconfirmed"]

    @property
    def median_days(self) -> str | None:
        """The bucket of days to resolve that holds the median resolution (``"4-7"``, ``"91+"``)."""
        return histogram_quantile(self.counts, 0.5)

    @property
    def p90_days(self) -> str | None:
        return histogram_quantile(self.counts, 0.9)

    def as_dict(self) -> dict[str, Any]:
        """Every published measure by its name (``MEASURES``)."""
        return {name: getattr(self, name) for name in MEASURES}


# The published measures, in the order of the tables and the definitions page.
MEASURES: tuple[str, ...] = (
    "received",
    "resolved",
    "resolution_rate",
    "satisfaction_rate",
    "reopen_rate",
    "appeal_rate",
    "appeal_upheld_rate",
    "confirmed_closures",
    "unconfirmed_closures",
    "median_days",
    "p90_days",
    "within_deadline_share",
    "escalated",
    "transferred",
)
# The measures a league table may rank by, and whether a higher value is better.
RANKABLE: dict[str, bool] = {
    "satisfaction_rate": True,
    "resolution_rate": True,
    "within_deadline_share": True,
    "reopen_rate": False,
    "appeal_rate": False,
    "appeal_upheld_rate": False,
}


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def bucket_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def histogram_quantile(counts: dict[str, int], q: float) -> str | None:
    """The bucket holding the ``q``-quantile of the resolutions (the smallest bucket whose
    cumulative count reaches ``q`` of the total); None when nothing was resolved."""
    total = sum(counts[name] for name, _, _ in DAY_BUCKETS)
    if total == 0:
        return None
    running = 0
    for name, low, high in DAY_BUCKETS:
        running += counts[name]
        if running >= q * total:
            return bucket_label(low, high)
    raise AssertionError("unreachable: the buckets sum to the total")


def _check_range(start: date, end: date) -> None:
    """A period the wrong way round, or longer than ``MAX_RANGE``: a 422 naming ``end``."""
    if end < start:
        raise Unprocessable.for_field(
            "end", ScorecardsError.DATE_RANGE_INVERTED, _("The end date must not be before the start date.")
        )
    if end - start > MAX_RANGE:
        raise Unprocessable.for_field(
            "end", ScorecardsError.DATE_RANGE_TOO_LONG, _("Choose a period of at most three years.")
        )


def office_measures(*, office_ids: Iterable[int], start: date, end: date) -> dict[int, Measures]:
    """The measures of each office from ``start`` to ``end`` (both days included), in one query.
    An office with nothing in the period has all counts zero and no rates."""
    _check_range(start, end)
    ids = sorted(set(office_ids))
    if len(ids) > MAX_OFFICES:
        raise DomainError.for_field(
            "office_ids", ScorecardsError.TOO_MANY_OFFICES, _("Ask for at most %(n)s offices.") % {"n": MAX_OFFICES}
        )
    rows = (
        DailyRollup.objects.filter(office_id__in=ids, day__gte=start, day__lte=end)
        .values("office_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    zero = dict.fromkeys(COUNTERS, 0)
    found = {row["office_id"]: {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    return {pk: Measures(counts=found.get(pk, zero)) for pk in ids}


@dataclass(frozen=True)
class GovernmentMeasures:
    code: str
    name: str
    measures: Measures


def government_measures(*, start: date, end: date) -> list[GovernmentMeasures]:
    """The measures of every government from ``start`` to ``end`` (both days included), in the
    directory's order: one query for the sums, one for the governments (those with nothing to
    count are listed too, with zeros)."""
    _check_range(start, end)
    key = "office__department__government_id"
    rows = (
        DailyRollup.objects.filter(day__gte=start, day__lte=end)
        .values(key)
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    found = {row[key]: {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    zero = dict.fromkeys(COUNTERS, 0)
    return [
        GovernmentMeasures(code=code, name=name, measures=Measures(counts=found.get(pk, zero)))
        for pk, code, name in Government.objects.order_by("code").values_list("pk", "code", "name")
    ]


# --- The scorecard tree -------------------------------------------------------------------------

NATION_ID = "pk"  # the one id of the nation level: GET /api/scorecards/nation/pk
BACKLOG_AGES = (30, 60, 90)  # days: the backlog older than each
DEFAULT_WINDOW = timedelta(days=89)  # the last 90 days, today included


@dataclass(frozen=True)
class Unit:
    """One node of the scorecard tree: a level and its id (a code; the nation's is ``NATION_ID``)."""

    level: str
    pk: int
    code: str
    name: str
    name_ur: str = ""
    started: date | None = None  # when the unit was added to the directory (offices: the league's start date)

    def label(self, language: str) -> str:
        return self.name_ur if language == "ur" and self.name_ur else self.name


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for: the last 90 days by default, or the 90 days from ``start``; a reversed or
    too long one is a 422 naming ``end``."""
    if end is None:
        end = start + DEFAULT_WINDOW if start else timezone.localdate()
    start = start or end - DEFAULT_WINDOW
    _check_range(start, end)
    return start, end


def level_of(raw: str) -> Level:
    """The level a path names. Anything else is a path that does not exist: 404, naming ``level``
    and the levels there are (as an unknown id is a 404)."""
    if raw in Level.values:
        return Level(raw)
    raise NotFound(_("level: there is no such level; the levels are %(levels)s.") % {"levels": ", ".join(Level.values)})


def unit_get(*, level: str, code: str) -> Unit:
    """The unit of ``level`` named ``code``; an unknown level or code is a 404 (the message names
    ``level`` for the first)."""
    chosen = level_of(level)
    if chosen == Level.NATION:
        if code != NATION_ID:
            raise NotFound(_("The nation's scorecard is at nation/%(id)s.") % {"id": NATION_ID})
        return Unit(Level.NATION, 0, NATION_ID, str(_("Pakistan")), "پاکستان")
    if chosen == Level.GOVERNMENT:
        government = Government.objects.filter(code=code).first()
        if government:
            return Unit(chosen, government.pk, government.code, government.name, government.name_ur)
    elif chosen == Level.DEPARTMENT:
        department = Department.objects.filter(code=code).first()
        if department:
            return Unit(chosen, department.pk, department.code, department.name, department.name_ur)
    elif chosen == Level.OFFICE:
        office = Office.objects.filter(code=code).first()
        if office:
            return Unit(
                chosen, office.pk, office.code, office.name, office.name_ur, timezone.localdate(office.created_at)
            )
    else:
        kind = JurisdictionKind.PROVINCE if chosen == Level.PROVINCE else JurisdictionKind.DISTRICT
        place = Jurisdiction.objects.filter(code=code, kind=kind).first()
        if place:
            return Unit(chosen, place.pk, place.code, place.name, place.name_ur)
    raise NotFound(_("No %(level)s has this id.") % {"level": chosen.label})


def _office_units(rows: Iterable[Any]) -> list[Unit]:
    return [
        Unit(Level.OFFICE, pk, code, name, name_ur, timezone.localdate(created))
        for pk, code, name, name_ur, created in rows
    ]


OFFICE_ROW = ("pk", "code", "name", "name_ur", "created_at")


def unit_children(unit: Unit) -> list[Unit]:
    """The units one level down: the nation's governments and provinces, a government's departments,
    a department's top offices (those reporting to no office of the department), an office's direct
    reports, a province's districts. One query."""
    if unit.level == Level.NATION:
        governments = [
            Unit(Level.GOVERNMENT, pk, code, name, name_ur)
            for pk, code, name, name_ur in Government.objects.order_by("code").values_list(
                "pk", "code", "name", "name_ur"
            )
        ]
        provinces = [
            Unit(Level.PROVINCE, pk, code, name, name_ur)
            for pk, code, name, name_ur in Jurisdiction.objects.filter(kind=JurisdictionKind.PROVINCE)
            .order_by("name")
            .values_list("pk", "code", "name", "name_ur")
        ]
        return governments + provinces
    if unit.level == Level.GOVERNMENT:
        return [
            Unit(Level.DEPARTMENT, pk, code, name, name_ur)
            for pk, code, name, name_ur in Department.objects.filter(government_id=unit.pk)
            .order_by("name")
            .values_list("pk", "code", "name", "name_ur")
        ]
    if unit.level == Level.DEPARTMENT:
        top = Office.objects.filter(department_id=unit.pk).filter(
            Q(parent__isnull=True) | ~Q(parent__department_id=unit.pk)
        )
        return _office_units(top.order_by("name").values_list(*OFFICE_ROW))
    if unit.level == Level.OFFICE:
        return _office_units(Office.objects.filter(parent_id=unit.pk).order_by("name").values_list(*OFFICE_ROW))
    if unit.level == Level.PROVINCE:
        districts = Jurisdiction.objects.filter(kind=JurisdictionKind.DISTRICT).filter(
            Q(parent_id=unit.pk) | Q(parent__parent_id=unit.pk)
        )
        return [
            Unit(Level.DISTRICT, pk, code, name, name_ur)
            for pk, code, name, name_ur in districts.order_by("name").values_list("pk", "code", "name", "name_ur")
        ]
    return []


def unit_offices(unit: Unit, prefix: str = "") -> Q:
    """The offices a unit counts, as a filter over ``prefix`` (an office relation, or "" for Office)."""
    at = f"{prefix}__" if prefix else ""
    if unit.level == Level.NATION:
        return Q()
    if unit.level == Level.GOVERNMENT:
        return Q(**{f"{at}department__government_id": unit.pk})
    if unit.level == Level.DEPARTMENT:
        return Q(**{f"{at}department_id": unit.pk})
    if unit.level == Level.OFFICE:
        path = Office.objects.filter(pk=unit.pk).values_list("path", flat=True).first() or f"/{unit.pk}/"
        return Q(**{f"{at}path__startswith": path})
    places = Q(**{f"{at}jurisdiction_id": unit.pk})
    for hops in range(1, 4):
        places |= Q(**{f"{at}jurisdiction__{'parent__' * hops}id": unit.pk})
    return places


def unit_measures(*, units: Sequence[Unit], start: date, end: date) -> dict[tuple[str, int], Measures]:
    """The measures of each unit from ``start`` to ``end`` (both included): one query over the
    units' daily rows, whatever the number of offices below them."""
    _check_range(start, end)
    if not units:
        return {}
    ids: dict[str, set[int]] = {}
    for unit in units:
        ids.setdefault(unit.level, set()).add(unit.pk)
    which = Q()
    for level, pks in ids.items():
        which |= Q(level=level, unit_id__in=pks)
    rows = (
        UnitRollup.objects.filter(which, day__gte=start, day__lte=end)
        .values("level", "unit_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    found = {(row["level"], row["unit_id"]): {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    zero = dict.fromkeys(COUNTERS, 0)
    return {(unit.level, unit.pk): Measures(counts=found.get((unit.level, unit.pk), zero)) for unit in units}


def min_cell() -> int:
    return int(settings.RABTA_SCORECARD_MIN_CELL)


@dataclass(frozen=True)
class Cell:
    """One row of a breakdown: a group or a category, with its measures, or suppressed (fewer
    complaints received than ``min_cell()``: the row says so and shows no figure)."""

    code: str
    label: str
    measures: Measures | None

    @property
    def suppressed(self) -> bool:
        return self.measures is None


def _cells(found: dict[str, dict[str, int]], labels: dict[str, str]) -> list[Cell]:
    floor = min_cell()
    zero = dict.fromkeys(COUNTERS, 0)
    cells = []
    for code, label in labels.items():
        counts = found.get(code, zero)
        cells.append(Cell(code, label, Measures(counts=counts) if counts["received"] >= floor else None))
    return cells


def unit_groups(*, unit: Unit, start: date, end: date) -> list[Cell]:
    """The measures of each complainant group in the unit (statistics only; small cells suppressed)."""
    _check_range(start, end)
    rows = (
        GroupRollup.objects.filter(level=unit.level, unit_id=unit.pk, day__gte=start, day__lte=end)
        .values("group")
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    found = {row["group"]: {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    return _cells(found, {group.value: str(group.label) for group in ComplainantGroup})


def unit_categories(*, unit: Unit, start: date, end: date, language: str = "en") -> list[Cell]:
    """The measures of each category the unit received complaints in (small cells suppressed),
    most received first."""
    _check_range(start, end)
    rows = (
        DailyRollup.objects.filter(unit_offices(unit, "office"), day__gte=start, day__lte=end)
        .values("category__code", "category__name", "category__name_ur")
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by("-sum_received", "category__code")
    )
    found: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    for row in rows:
        code = row["category__code"]
        found[code] = {name: row[f"sum_{name}"] or 0 for name in COUNTERS}
        labels[code] = (
            row["category__name_ur"] if language == "ur" and row["category__name_ur"] else row["category__name"]
        )
    return _cells(found, labels)


def unit_backlog(*, unit: Unit, now: datetime | None = None) -> dict[str, int]:
    """Complaints waiting for the unit's offices now, and those waiting longer than 30, 60 and 90
    days since they were received: one query over the tracks' partial index."""
    now = now or timezone.now()
    from django.db.models import Count

    ages = {f"over_{days}": Count("pk", filter=Q(received_at__lt=now - timedelta(days=days))) for days in BACKLOG_AGES}
    return ComplaintTrack.objects.filter(unit_offices(unit, "office"), pending=True).aggregate(
        pending=Count("pk"), **ages
    )


@dataclass(frozen=True)
class Scorecard:
    unit: Unit
    start: date
    end: date
    measures: Measures
    backlog: dict[str, int]
    children: list[tuple[Unit, Measures]]
    groups: list[Cell]


def scorecard(*, level: str, code: str, start: date | None = None, end: date | None = None) -> Scorecard:
    """The published scorecard of one unit: its measures, its backlog by age, its complainant
    groups, and its children's measures (to drill down). Four queries after the unit's."""
    unit = unit_get(level=level, code=code)
    first, last = period(start, end)
    children = unit_children(unit)
    found = unit_measures(units=[unit, *children], start=first, end=last)
    return Scorecard(
        unit=unit,
        start=first,
        end=last,
        measures=found[(unit.level, unit.pk)],
        backlog=unit_backlog(unit=unit),
        children=[(child, found[(child.level, child.pk)]) for child in children],
        groups=unit_groups(unit=unit, start=first, end=last),
    )


# --- From a figure to the complaints behind it (staff, in scope) ----------------------------------


class Figure:
    """The figures whose complaints a member of staff may list."""

    PENDING = "pending"
    OVER_30 = "over_30"
    OVER_60 = "over_60"
    OVER_90 = "over_90"
    RECEIVED = "received"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    APPEALED = "appealed"
    ESCALATED = "escalated"
    TRANSFERRED = "transferred"
    UNCONFIRMED = "unconfirmed_closures"

    ALL = (
        PENDING,
        OVER_30,
        OVER_60,
        OVER_90,
        RECEIVED,
        RESOLVED,
        REOPENED,
        APPEALED,
        ESCALATED,
        TRANSFERRED,
        UNCONFIRMED,
    )


def may_drill(*, user: Any, unit: Unit) -> bool:
    """May ``user`` list the complaints behind ``unit``'s figures (office staff or oversight with an
    office of the unit in their scope)? The pages ask it to offer the links."""
    if not getattr(user, "is_authenticated", False) or not may_read_office_lists(user):
        return False
    return Office.objects.filter(unit_offices(unit), office_scope(user, "", Q(pk__in=[]))).exists()


def staff_unit(*, user: Any, level: str, code: str) -> Unit:
    """The unit, if it holds an office in the user's scope; a 404 otherwise (outside scope reads as
    not found). Office staff and oversight only."""
    unit = unit_get(level=level, code=code)
    require_office_reader(user, _("Only office staff and oversight see the complaints behind a figure."))
    in_scope = office_scope(user, "", Q(pk__in=[]))
    if not Office.objects.filter(unit_offices(unit), in_scope).exists():
        raise NotFound()
    return unit


def figure_complaints(
    *,
    user: Any,
    level: str,
    code: str,
    figure: str,
    start: date | None = None,
    end: date | None = None,
    after: int | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> list[Complaint]:
    """The complaints behind one figure of a unit's scorecard that the user may see
    (``Complaint.objects.visible_to``), oldest first, keyset-paged by id. A complaint is listed
    as it stands now, at the office that holds it now: the figure counted it where it was then,
    so the list may differ from the figure by the complaints transferred since."""
    if figure not in Figure.ALL:
        raise DomainError.for_field(
            "figure", ScorecardsError.FIGURE_UNKNOWN, _("Choose a figure: %(f)s.") % {"f": ", ".join(Figure.ALL)}
        )
    unit = staff_unit(user=user, level=level, code=code)
    first, last = period(start, end)
    now = now or timezone.now()
    qs = Complaint.objects.visible_to(user).filter(unit_offices(unit, "current_office"))
    waiting = [status for status in OPEN_STATUSES if status != Status.RESOLVED]
    if figure == Figure.PENDING:
        qs = qs.filter(status__in=waiting)
    elif figure in (Figure.OVER_30, Figure.OVER_60, Figure.OVER_90):
        qs = qs.filter(status__in=waiting, created_at__lt=now - timedelta(days=int(figure.split("_")[1])))
    else:
        qs = qs.filter(created_at__date__lte=last)
        if figure == Figure.RECEIVED:
            qs = qs.filter(created_at__date__gte=first)
        elif figure == Figure.RESOLVED:
            qs = qs.filter(resolved_at__date__gte=first, resolved_at__date__lte=last)
        elif figure == Figure.REOPENED:
            qs = qs.filter(reopen_count__gt=0, created_at__date__gte=first)
        elif figure == Figure.APPEALED:
            qs = qs.filter(appeals__isnull=False, created_at__date__gte=first).distinct()
        elif figure == Figure.ESCALATED:
            qs = qs.filter(escalation_level__gt=0, created_at__date__gte=first)
        elif figure == Figure.TRANSFERRED:
            qs = qs.filter(transfer_count__gt=0, created_at__date__gte=first)
        else:
            qs = qs.filter(status=Status.CLOSED, closed_confirmed=False, closed_at__date__gte=first)
    if after:
        qs = qs.filter(id__gt=after)
    qs = qs.select_related("category", "current_office", "jurisdiction", "complainant").only(*LIST_FIELDS)
    return list(qs.order_by("id")[: page_size(limit)])


# --- League tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    unit: Unit
    measures: Measures
    group: str  # VolumeGroup
    rank: int | None  # None: not ranked (too few complaints in the window)
    new: bool  # added to the directory after the window began: its window is shorter


# A year's complaints marking the volume groups (CPGRAMS' GRAI: A over 10,000, B 2,000 to 9,999, C
# below), scaled to the window's length.
VOLUME_PER_YEAR = {VolumeGroup.LARGE: 10_000, VolumeGroup.MEDIUM: 2_000}
MAX_LEAGUE_OFFICES = 20_000


def volume_group(received: int, days: int) -> str:
    scale = days / 365
    if received >= VOLUME_PER_YEAR[VolumeGroup.LARGE] * scale:
        return VolumeGroup.LARGE
    if received >= VOLUME_PER_YEAR[VolumeGroup.MEDIUM] * scale:
        return VolumeGroup.MEDIUM
    return VolumeGroup.SMALL


def league_table(
    *,
    measure: str = "satisfaction_rate",
    start: date | None = None,
    end: date | None = None,
    government: str = "",
    department: str = "",
    min_sample: int | None = None,
) -> list[LeagueRow]:
    """Offices (each its own desk, not the offices below it) ranked by ``measure`` within their
    volume group, over a rolling window (default the last 90 days). An office is ranked only
    from ``min_sample`` complaints received in the window; one added after the window began is
    marked new (its counts start on its start date). Unranked offices follow, by name."""
    if measure not in RANKABLE:
        raise DomainError.for_field(
            "measure", ScorecardsError.MEASURE_UNKNOWN, _("Choose a measure: %(m)s.") % {"m": ", ".join(RANKABLE)}
        )
    first, last = period(start, end)
    floor = int(settings.RABTA_LEAGUE_MIN_SAMPLE) if min_sample is None else min_sample
    if floor < 1:
        raise DomainError.for_field("min_sample", ScorecardsError.MIN_SAMPLE_TOO_SMALL, _("Give at least 1."))
    offices = Office.objects.filter(is_active=True)
    if government:
        offices = offices.filter(department__government__code=government)
    if department:
        offices = offices.filter(department__code=department)
    units = _office_units(offices.order_by("name").values_list(*OFFICE_ROW)[:MAX_LEAGUE_OFFICES])
    by_id = {unit.pk: unit for unit in units}
    rows = (
        DailyRollup.objects.filter(office_id__in=list(by_id), day__gte=first, day__lte=last)
        .values("office_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in COUNTERS})
        .order_by()
        if by_id
        else []
    )
    found = {row["office_id"]: {name: row[f"sum_{name}"] or 0 for name in COUNTERS} for row in rows}
    zero = dict.fromkeys(COUNTERS, 0)
    higher_better = RANKABLE[measure]
    table: list[LeagueRow] = []
    for group in (VolumeGroup.LARGE, VolumeGroup.MEDIUM, VolumeGroup.SMALL):
        members = []
        for unit in units:
            measures = Measures(counts=found.get(unit.pk, zero))
            started = unit.started or first
            window = (last - max(first, started)).days + 1
            if window < 1 or volume_group(measures.received, max(window, 1)) != group:
                continue
            members.append((unit, measures, started > first))
        rankable = [m for m in members if m[1].received >= floor and getattr(m[1], measure) is not None]
        rankable.sort(
            key=lambda m: (
                -getattr(m[1], measure) if higher_better else getattr(m[1], measure),
                -m[1].received,
                m[0].name,
            )
        )
        ranked_ids = set()
        for position, (unit, measures, new) in enumerate(rankable, start=1):
            table.append(LeagueRow(unit, measures, group, position, new))
            ranked_ids.add(unit.pk)
        for unit, measures, new in members:
            if unit.pk not in ranked_ids:
                table.append(LeagueRow(unit, measures, group, None, new))
    return table


# --- Registered users -------------------------------------------------------------------------------


def registered_users() -> list[dict[str, Any]]:
    """Registered complainants by type (citizen, overseas, foreigner, business): one query. The
    accounts hold no province, so there is no breakdown by province (see docs/scorecards.md)."""
    from rabta.accounts.selectors import complainants_by_type

    floor = min_cell()
    return [
        {"type": code, "label": label, "count": count if count >= floor or count == 0 else None}
        for code, label, count in complainants_by_type()
    ]


def category_labels() -> dict[str, str]:
    return dict(Category.objects.values_list("code", "name"))


# --- What the public pages show -------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """The public scorecard: the nation, each government and each department over a period."""

    start: date
    end: date
    nation: Measures
    governments: list[tuple[Unit, Measures]]
    departments: list[tuple[Unit, Unit, Measures]]  # (government, department, measures)


def published(*, start: date | None = None, end: date | None = None) -> Published:
    """The measures of the nation, every government and every department: three queries."""
    first, last = period(start, end)
    governments = {
        pk: Unit(Level.GOVERNMENT, pk, code, name, name_ur)
        for pk, code, name, name_ur in Government.objects.order_by("code").values_list("pk", "code", "name", "name_ur")
    }
    departments = [
        (governments[government_id], Unit(Level.DEPARTMENT, pk, code, name, name_ur))
        for pk, code, name, name_ur, government_id in Department.objects.order_by(
            "government__code", "name"
        ).values_list("pk", "code", "name", "name_ur", "government_id")
    ]
    nation = Unit(Level.NATION, 0, NATION_ID, "Pakistan")
    found = unit_measures(
        units=[nation, *governments.values(), *(department for _, department in departments)], start=first, end=last
    )
    return Published(
        start=first,
        end=last,
        nation=found[(Level.NATION, 0)],
        governments=[(unit, found[(unit.level, unit.pk)]) for unit in governments.values()],
        departments=[(government, unit, found[(unit.level, unit.pk)]) for government, unit in departments],
    )


@dataclass(frozen=True)
class Tile:
    unit: Unit
    value: Any
    band: str  # "0" (worst) to "4" (best), or "none" (too few complaints to colour)


# Band edges of a rate, worst to best when higher is better (reversed for the others).
BAND_EDGES = (0.4, 0.6, 0.75, 0.9)


def band_of(value: float | None, *, higher_better: bool, received: int) -> str:
    if value is None or received < min_cell():
        return "none"
    band = sum(1 for edge in BAND_EDGES if value >= edge)
    if not higher_better:
        band = sum(1 for edge in (0.05, 0.1, 0.2, 0.3) if value <= edge)
    return str(band)


def district_tiles(
    *, measure: str, start: date | None = None, end: date | None = None, province: str = ""
) -> list[Tile]:
    """Every district (of ``province``, or of the country), coloured by ``measure``: two queries."""
    if measure not in RANKABLE:
        raise DomainError.for_field(
            "measure", ScorecardsError.MEASURE_UNKNOWN, _("Choose a measure: %(m)s.") % {"m": ", ".join(RANKABLE)}
        )
    first, last = period(start, end)
    districts = Jurisdiction.objects.filter(kind=JurisdictionKind.DISTRICT)
    if province:
        districts = districts.filter(Q(parent__code=province) | Q(parent__parent__code=province))
    units = [
        Unit(Level.DISTRICT, pk, code, name, name_ur)
        for pk, code, name, name_ur in districts.order_by("name").values_list("pk", "code", "name", "name_ur")
    ]
    found = unit_measures(units=units, start=first, end=last)
    tiles = []
    for unit in units:
        measures = found[(unit.level, unit.pk)]
        value = getattr(measures, measure)
        tiles.append(Tile(unit, value, band_of(value, higher_better=RANKABLE[measure], received=measures.received)))
    return tiles


def month_period(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month; a month that is not one is a 400 naming ``month``."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise DomainError.for_field("month", ScorecardsError.MONTH_UNKNOWN, _("Give a month as YYYY-MM."))
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


# --- The live dashboard (senior management) ---------------------------------------------------------

LIVE_MEASURES = ("received", "resolved", "resolution_rate", "satisfaction_rate")


def live_unit(*, government: str = "", department: str = "") -> Unit:
    """The unit the live dashboard shows: a department (of ``government`` when both are given), a
    government, or the nation. An unknown code, or a department of another government, is a 404."""
    if department:
        chosen = unit_get(level=Level.DEPARTMENT, code=department)
        if government and not Department.objects.filter(pk=chosen.pk, government__code=government).exists():
            raise NotFound(_("department: this department is not of the government chosen."))
        return chosen
    if government:
        return unit_get(level=Level.GOVERNMENT, code=government)
    return unit_get(level=Level.NATION, code=NATION_ID)


def live_choices() -> tuple[list[tuple[str, str]], list[tuple[str, Any]]]:
    """The governments, and the departments grouped under each government (for a select's
    optgroups): two queries."""
    language = (get_language() or "en")[:2]
    governments = [
        (code, name_ur if language == "ur" and name_ur else name)
        for code, name, name_ur in Government.objects.order_by("code").values_list("code", "name", "name_ur")
    ]
    names = dict(governments)
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, name, name_ur, government in Department.objects.order_by("government__code", "name").values_list(
        "code", "name", "name_ur", "government__code"
    ):
        grouped.setdefault(government, []).append((code, name_ur if language == "ur" and name_ur else name))
    return governments, [(names.get(government, government), rows) for government, rows in grouped.items()]


def live_filters(
    *, government: str, department: str, measure: str, start: date | None, end: date | None
) -> tuple[Unit, date, date]:
    """The live dashboard's filters checked: the unit (404 when unknown), the period (422 when the
    wrong way round or too long), the measure that colours the tiles (400 when unknown)."""
    if measure not in RANKABLE:
        raise DomainError.for_field(
            "measure", ScorecardsError.MEASURE_UNKNOWN, _("Choose a measure: %(m)s.") % {"m": ", ".join(RANKABLE)}
        )
    unit = live_unit(government=government, department=department)
    first, last = period(start, end)
    return unit, first, last


def unit_series(*, unit: Unit, start: date, end: date) -> list[dict[str, Any]]:
    """The unit's counts day by day from ``start`` to ``end`` (a day with nothing is zeros): one query."""
    _check_range(start, end)
    names = ("received", "resolved", "feedback_rated", "feedback_satisfied")
    rows = {
        row[0]: row[1:]
        for row in UnitRollup.objects.filter(level=unit.level, unit_id=unit.pk, day__gte=start, day__lte=end)
        .order_by("day")
        .values_list("day", *names)
    }
    series = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        counts = dict(zip(names, rows.get(day, (0,) * len(names)), strict=True))
        series.append(
            {
                "day": day.isoformat(),
                **counts,
                "satisfaction_rate": _rate(counts["feedback_satisfied"], counts["feedback_rated"]),
            }
        )
    return series


def live_figures(
    *,
    government: str = "",
    department: str = "",
    measure: str = "satisfaction_rate",
    start: date | None = None,
    end: date | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """Everything the live dashboard shows, as JSON: the unit's counts and rates over the period,
    its backlog by age now, its days' trend, and the districts coloured by ``measure`` (those of the
    government's province when the government is a province's). Six queries, whatever the history."""
    unit, first, last = live_filters(
        government=government, department=department, measure=measure, start=start, end=end
    )
    measures = unit_measures(units=[unit], start=first, end=last)[(unit.level, unit.pk)]
    province = ""
    if unit.level == Level.GOVERNMENT:
        place = Government.objects.filter(pk=unit.pk).values_list("jurisdiction__kind", "jurisdiction__code").first()
        if place and place[0] == JurisdictionKind.PROVINCE:
            province = place[1]
    tiles = district_tiles(measure=measure, start=first, end=last, province=province)
    return {
        "unit": {"level": unit.level, "id": unit.code, "name": unit.label(language)},
        "start": first.isoformat(),
        "end": last.isoformat(),
        "measure": measure,
        "totals": {name: getattr(measures, name) for name in LIVE_MEASURES},
        "backlog": unit_backlog(unit=unit),
        "series": unit_series(unit=unit, start=first, end=last),
        "tiles": [
            {"id": tile.unit.code, "name": tile.unit.label(language), "value": tile.value, "band": tile.band}
            for tile in tiles
        ],
    }
