"""Reads of the live clearance dashboard: every panel from the roll-ups (services/rollups.py), the
backlog from the declarations' partial backlog index, complaint statistics from customs complaints.

Who sees what: customs managers their collectorates and every office below them, oversight their
government's, risk analysts all (the reach of ``Declaration.objects.visible_to`` for those roles);
anyone else has no dashboard (404), and a collectorate or port outside the reader's reach is a 404
too. Statistics only: no panel names a trader, a complainant or a declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.accounts.types import Actor
from rabta.core.errors import CoreError, DomainError, NotFound
from rabta.customs import permissions
from rabta.customs.choices import Grain, Stage, Status
from rabta.customs.models import (
    ALL_LANES,
    ALL_STATIONS,
    DURATION_BUCKETS,
    ClearanceDurationRollup,
    ClearanceRollup,
    Declaration,
)
from rabta.customs.services.rollups import BUCKET_COLUMNS, COUNTERS, backlog_statuses, quantile
from rabta.directory.models import Office

WINDOWS: dict[str, tuple[timedelta, str]] = {
    "24h": (timedelta(hours=24), Grain.HOUR),
    # A week of hour rows is 168 per office and lane: the day rows answer it 24 times cheaper.
    "7d": (timedelta(days=7), Grain.DAY),
    "30d": (timedelta(days=30), Grain.DAY),
}
DEFAULT_WINDOW = "24h"


def window_labels() -> dict[str, str]:
    return {"24h": _("Last 24 hours"), "7d": _("Last 7 days"), "30d": _("Last 30 days")}


def dashboard_collectorates(user: Actor) -> QuerySet[Office] | None:
    """The collectorates whose figures ``user`` may read, or None: no dashboard for them (the rule
    is in rabta.customs.permissions)."""
    return permissions.dashboard_reach(user)


def window_start(window: str) -> tuple[datetime, str]:
    """The first period of ``window`` (ending with the current hour or day) and its grain."""
    span, grain = WINDOWS[window]
    now = timezone.localtime()
    if grain == Grain.HOUR:
        return now.replace(minute=0, second=0, microsecond=0) - span + timedelta(hours=1), grain
    return now.replace(hour=0, minute=0, second=0, microsecond=0) - span + timedelta(days=1), grain


@dataclass(frozen=True)
class Filters:
    collectorate_ids: list[int]
    station_id: int | None
    window: str
    since: datetime
    grain: str
    collectorate: Office | None
    station: Office | None

    def variant(self) -> str:
        """What, beside the data, decides an answer: for the live ETag."""
        return f"{self.window}|{','.join(map(str, self.collectorate_ids))}|{self.station_id or ''}"


def dashboard_filters(*, user: Actor, collectorate: str = "", port: str = "", window: str = "") -> Filters:
    """The reader's filters, checked: an unknown window is a 400 naming it; no dashboard, or a
    collectorate or port outside the reader's reach, a 404."""
    allowed = dashboard_collectorates(user)
    if allowed is None:
        raise NotFound(_("Not found."))
    window = window or DEFAULT_WINDOW
    if window not in WINDOWS:
        raise DomainError.for_field("window", CoreError.VALIDATION, _("Choose one of the offered windows."))
    chosen = None
    if collectorate:
        chosen = allowed.filter(code=collectorate).first()
        if chosen is None:
            raise NotFound(_("There is no such collectorate in your reach."))
        ids = [chosen.pk]
    else:
        ids = list(allowed.order_by("pk").values_list("pk", flat=True))
    station = None
    if port:
        station = Office.objects.filter(code=port).first()
        if station is None or chosen is None or not station.path.startswith(chosen.path) or station.pk == chosen.pk:
            raise NotFound(_("There is no such port or station in your reach."))
    since, grain = window_start(window)
    return Filters(ids, station.pk if station else None, window, since, grain, chosen, station)


def _rollups(filters: Filters, model: type[Any], *, lanes: bool = False, stations: bool = False) -> QuerySet[Any]:
    """The window's roll-up rows at the level a panel needs (see models.ALL_STATIONS): one port's,
    or each collectorate's sums over its stations (``stations``: each station's own rows); on the
    counters, the sums over the lanes (``lanes``: each lane's own rows, the filings' lane '' left
    out). Every level is a range of the index ``cus_rollup_level_idx``: a 30-day window of the
    whole country reads 30 rows per collectorate (× 4 lanes), not one per station and lane."""
    rows = model.objects.filter(
        grain=filters.grain, period_start__gte=filters.since, collectorate_id__in=filters.collectorate_ids
    )
    if filters.station_id is not None:
        rows = rows.filter(station_id=filters.station_id)
    elif stations:
        rows = rows.exclude(station_id=ALL_STATIONS)
    else:
        rows = rows.filter(station_id=ALL_STATIONS)
    if model is ClearanceRollup:
        rows = rows.exclude(lane__in=["", ALL_LANES]) if lanes else rows.filter(lane=ALL_LANES)
    return rows


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _offices(ids: set[int]) -> dict[int, Office]:
    return {office.pk: office for office in Office.objects.filter(pk__in=ids).only("pk", "code", "name", "name_ur")}


def _named(names: dict[int, Office] | None, ids: set[int]) -> dict[int, Office]:
    """``names`` read ahead for the page, with any office it lacks (a station deeper than a
    collectorate's children) read now; all of ``ids`` when nothing was read ahead."""
    missing = ids - {0} - set(names or {})
    return {**(names or {}), **(_offices(missing) if missing else {})}


def _reach_names(filters: Filters) -> dict[int, Office]:
    """The names of the filters' collectorates and every office directly below them: what both
    per-office tables name, read once for the whole page."""
    below = Q(pk__in=filters.collectorate_ids) | Q(parent_id__in=filters.collectorate_ids)
    return {office.pk: office for office in Office.objects.filter(below).only("pk", "code", "name", "name_ur")}


def office_name(office: Office | None) -> str:
    if office is None:
        return ""
    from django.utils.translation import get_language

    return (office.name_ur or office.name) if (get_language() or "").startswith("ur") else office.name


def _period_sums(filters: Filters) -> dict[datetime, dict[str, int]]:
    """Every counter of the window per period, summed over the reader's offices and the lanes: what
    the totals and the series both read (one query when the whole page is built)."""
    rows = (
        _rollups(filters, ClearanceRollup)
        .values("period_start")
        .annotate(**{f"s_{name}": Sum(name) for name in COUNTERS})
        .order_by()
    )
    return {row["period_start"]: {name: int(row[f"s_{name}"] or 0) for name in COUNTERS} for row in rows}


def panel_totals(*, filters: Filters, periods: dict[datetime, dict[str, int]] | None = None) -> dict[str, Any]:
    """The window's sums: the figures at the top of the page."""
    periods = _period_sums(filters) if periods is None else periods
    totals = {name: sum(row[name] for row in periods.values()) for name in COUNTERS}
    return {
        "filed": totals["filed"],
        "released": totals["released"],
        "assessed": totals["assessed"],
        "documents_checked": totals["documents_checked"],
        "examined": totals["examined"],
        "detections": totals["detections"],
        "hit_rate": _rate(totals["detections"], totals["examined"]),
        "duty_collected": totals["duty_collected_paisa"] / 100,
        "extra_duty": totals["extra_duty_paisa"] / 100,
        "rerouted": totals["rerouted"],
    }


def panel_filed_series(
    *, filters: Filters, periods: dict[datetime, dict[str, int]] | None = None
) -> list[dict[str, Any]]:
    """Declarations filed (and released) in each period of the window, empty periods included."""
    by_period = _period_sums(filters) if periods is None else periods
    step = timedelta(hours=1) if filters.grain == Grain.HOUR else timedelta(days=1)
    now = timezone.localtime()
    series = []
    moment = timezone.localtime(filters.since)
    while moment <= now:
        row = by_period.get(moment, {})
        series.append(
            {
                "period": moment.isoformat(),
                "filed": int(row.get("filed") or 0),
                "released": int(row.get("released") or 0),
            }
        )
        moment += step
    return series


def panel_lanes(*, filters: Filters) -> list[dict[str, Any]]:
    """First lane assignments per lane and their share; re-routes beside them."""
    rows = (
        _rollups(filters, ClearanceRollup, lanes=True)
        .values("lane")
        .annotate(n=Sum("lanes_assigned"), rerouted=Sum("rerouted"))
    )
    assigned = sum(int(row["n"] or 0) for row in rows)
    return [
        {
            "lane": row["lane"],
            "declarations": int(row["n"] or 0),
            "share": _rate(int(row["n"] or 0), assigned),
            "rerouted": int(row["rerouted"] or 0),
        }
        for row in sorted(rows, key=lambda row: row["lane"])
    ]


def panel_release_times(*, filters: Filters) -> list[dict[str, Any]]:
    """Median, 90th percentile and mean of each Time Release Study stage ended in the window."""
    rows = (
        _rollups(filters, ClearanceDurationRollup)
        .values("stage")
        .annotate(n_sum=Sum("n"), seconds=Sum("total_seconds"), **{f"s_{name}": Sum(name) for name in BUCKET_COLUMNS})
    )
    durations = {row["stage"]: row for row in rows}
    release_times = []
    for stage in Stage:
        row = durations.get(stage.value)
        buckets = [int(row[f"s_{name}"] or 0) for name in BUCKET_COLUMNS] if row else [0] * DURATION_BUCKETS
        n = int(row["n_sum"] or 0) if row else 0
        median, p90 = quantile(buckets, 0.5), quantile(buckets, 0.9)
        release_times.append(
            {
                "stage": stage.value,
                "label": str(stage.label),
                "declarations": n,
                "median_hours": round(median / 3600, 2) if median is not None else None,
                "p90_hours": round(p90 / 3600, 2) if p90 is not None else None,
                "mean_hours": round(int(row["seconds"] or 0) / n / 3600, 2) if row and n else None,
            }
        )
    return release_times


def panel_by_office(*, filters: Filters, names: dict[int, Office] | None = None) -> list[dict[str, Any]]:
    """The window's figures per collectorate and port."""
    rows = list(
        _rollups(filters, ClearanceRollup, stations=True)
        .values("collectorate_id", "station_id")
        .annotate(
            filed=Sum("filed"),
            released=Sum("released"),
            examined=Sum("examined"),
            detections=Sum("detections"),
            duty=Sum("duty_collected_paisa"),
        )
    )
    names = _named(names, {row["collectorate_id"] for row in rows} | {row["station_id"] for row in rows})
    return [
        {
            "collectorate": office_name(names.get(row["collectorate_id"])),
            "port": office_name(names.get(row["station_id"])) if row["station_id"] else "",
            "filed": int(row["filed"] or 0),
            "released": int(row["released"] or 0),
            "examined": int(row["examined"] or 0),
            "detections": int(row["detections"] or 0),
            "hit_rate": _rate(int(row["detections"] or 0), int(row["examined"] or 0)),
            "duty_collected": int(row["duty"] or 0) / 100,
        }
        for row in sorted(rows, key=lambda row: (row["collectorate_id"], row["station_id"]))
    ]


def dashboard_panels(*, filters: Filters) -> dict[str, Any]:
    """Every panel of the dashboard for ``filters``, as plain data (the page, the API and the
    exports all read this). The totals and the series share one read of the window's periods, the
    two backlog tables one read of the backlog, both per-office tables one read of the names."""
    periods, backlog, names = _period_sums(filters), _backlog_counts(filters), _reach_names(filters)
    return {
        "window": filters.window,
        "grain": filters.grain,
        "since": filters.since.isoformat(),
        "generated_at": timezone.now().isoformat(),
        "totals": panel_totals(filters=filters, periods=periods),
        "filed_series": panel_filed_series(filters=filters, periods=periods),
        "backlog": dashboard_backlog(filters=filters, counts=backlog),
        "backlog_by_office": dashboard_backlog_by_office(filters=filters, counts=backlog, names=names),
        "by_office": panel_by_office(filters=filters, names=names),
        **{name: panel(filters=filters) for name, panel in PANELS.items() if name not in SHARED},
    }


def _backlog_counts(filters: Filters) -> list[tuple[int, int, str, int]]:
    """(collectorate, station, status, declarations) of the declarations not released now: one
    index-only read of the partial index ``cus_decl_backlog_idx``, which holds only those."""
    rows = Declaration.objects.filter(collectorate_id__in=filters.collectorate_ids).exclude(status=Status.RELEASED)
    if filters.station_id is not None:
        rows = rows.filter(station_id=filters.station_id)
    counted = rows.order_by().values_list("collectorate_id", "station_id", "status").annotate(n=Count("*"))
    return [(coll, station or 0, status, int(n)) for coll, station, status, n in counted]


def dashboard_backlog(
    *, filters: Filters, counts: list[tuple[int, int, str, int]] | None = None
) -> list[dict[str, Any]]:
    """Declarations waiting at each stage now (whatever the window)."""
    by_status: dict[str, int] = {}
    for _coll, _station, status, n in _backlog_counts(filters) if counts is None else counts:
        by_status[status] = by_status.get(status, 0) + n
    return [
        {"status": status.value, "label": str(status.label), "declarations": by_status.get(status.value, 0)}
        for status in Status
        if status != Status.RELEASED
    ]


def dashboard_backlog_by_office(
    *,
    filters: Filters,
    counts: list[tuple[int, int, str, int]] | None = None,
    names: dict[int, Office] | None = None,
) -> list[dict[str, Any]]:
    """The backlog per collectorate and port: a column per stage waited at, and their sum."""
    offices: dict[tuple[int, int], dict[str, int]] = {}
    for coll, station, status, n in _backlog_counts(filters) if counts is None else counts:
        offices.setdefault((coll, station), {})[status] = n
    names = _named(names, {coll for coll, _ in offices} | {station for _, station in offices if station})
    waiting = backlog_statuses()
    return [
        {
            "collectorate": office_name(names.get(coll)),
            "port": office_name(names.get(station)) if station else "",
            **{status: found.get(status, 0) for status in waiting},
            "waiting": sum(found.values()),
        }
        for (coll, station), found in sorted(offices.items())
    ]


def dashboard_complaints(*, filters: Filters) -> list[dict[str, Any]]:
    """Customs complaints lodged in the window per collectorate, with how many (and what share)
    came from women-led and youth-led businesses. Counts only, never who."""
    from rabta.complaints.models import Complaint

    rows = (
        Complaint.objects.filter(
            category__is_customs=True, collectorate_id__in=filters.collectorate_ids, created_at__gte=filters.since
        )
        .order_by()
        .values("collectorate_id")
        .annotate(
            n=Count("id"),
            women=Count("id", filter=Q(flag_women_led=True)),
            youth=Count("id", filter=Q(flag_youth_led=True)),
        )
    )
    found = list(rows)
    names = _offices({row["collectorate_id"] for row in found})
    return [
        {
            "collectorate": office_name(names.get(row["collectorate_id"])),
            "complaints": row["n"],
            "women_led": row["women"],
            "women_led_share": _rate(row["women"], row["n"]),
            "youth_led": row["youth"],
            "youth_led_share": _rate(row["youth"], row["n"]),
        }
        for row in sorted(found, key=lambda row: row["collectorate_id"])
    ]


def dashboard_offices(*, user: Actor) -> list[dict[str, Any]]:
    """The collectorates in the reader's reach with the ports and stations under each (the filters)."""
    allowed = dashboard_collectorates(user)
    if allowed is None:
        raise NotFound(_("Not found."))
    collectorates = list(allowed.order_by("code"))
    below = Office.objects.filter(parent_id__in=[office.pk for office in collectorates], is_active=True).order_by(
        "code"
    )
    ports: dict[int, list[dict[str, str]]] = {}
    for office in below:
        ports.setdefault(office.parent_id or 0, []).append({"code": office.code, "name": office_name(office)})
    return [
        {"code": office.code, "name": office_name(office), "ports": ports.get(office.pk, [])}
        for office in collectorates
    ]


# Each panel and the one selector that reads it (the bench times them one by one).
PANELS: dict[str, Callable[..., Any]] = {
    "totals": panel_totals,
    "filed_series": panel_filed_series,
    "lanes": panel_lanes,
    "release_times": panel_release_times,
    "by_office": panel_by_office,
    "backlog": dashboard_backlog,
    "backlog_by_office": dashboard_backlog_by_office,
    "complaints": dashboard_complaints,
}
# Built together in dashboard_panels (one read each pair).
SHARED = ("totals", "filed_series", "backlog", "backlog_by_office", "by_office")
