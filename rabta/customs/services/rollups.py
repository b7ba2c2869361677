"""The clearance dashboard's roll-ups, kept in the transaction of every move.

Every clearance move (filing, lane, documents checked, examined, assessed, duty paid, released) and
every chunk of a bulk import calls :func:`rollup_fold` with the declarations and the events it just
wrote, inside its own transaction: the roll-ups commit or roll back with the move, so the dashboard
never counts a move that did not happen. What an event adds is decided by one function
(:func:`_contributions`), which reads the declaration's whole clearance trail (its events, in the
order written) and is also what :func:`rollup_rebuild` runs over every declaration: a rebuild and
the incremental roll-ups are the same sums by construction, and ``tests/test_rollups.py`` checks it
on random histories.

Rows: per period (hour and day), collectorate, station and lane, the count of each move and money
in paisa, with the same sums over every lane (lane ``*``), over every station of the collectorate
(station -1) and over both, which the dashboard reads for a whole collectorate or the whole
country (a 30-day window of the country is 30 × 26 rows, not 30 × 520); per period, collectorate,
station (and -1, every station) and Time Release Study stage, the durations as a
histogram in fixed log buckets (a quarter of an octave wide: at most 19 % from the true quantile
inside a bucket, about 9 % with the interpolation of :func:`quantile`). Each upsert adds to the row
(``ON CONFLICT ... DO UPDATE SET x = x + excluded.x``, the same SQL on SQLite and PostgreSQL),
and the rows of one call are written in key order so two moves never wait on each other in a cycle.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from rabta.core.live import live_bump
from rabta.core.models import Event
from rabta.customs.choices import Grain, Outcome, Stage, Status
from rabta.customs.events import CustomsEvent
from rabta.customs.models import (
    ALL_LANES,
    ALL_STATIONS,
    DURATION_BUCKETS,
    ClearanceDurationRollup,
    ClearanceRollup,
    Declaration,
)

# The topic the dashboard's pages poll (rabta.core.live).
LIVE_TOPIC = "customs.clearance"
SUBJECT_TYPE = "customs.declaration"
REBUILD_BATCH = 5_000

COUNTERS = (
    "filed",
    "lanes_assigned",
    "rerouted",
    "documents_checked",
    "examined",
    "detections",
    "extra_duty_paisa",
    "assessed",
    "paid",
    "duty_collected_paisa",
    "released",
)
BUCKET_COLUMNS = tuple(f"b{index:02d}" for index in range(DURATION_BUCKETS))
# Bucket 0 holds durations under a minute; bucket k (1..63) [60·2^((k-1)/4), 60·2^(k/4)) seconds;
# the last one is open (about 32 days and more).
_BASE_S = 60.0
_STEPS_PER_OCTAVE = 4
_KINDS = tuple(
    kind.value for kind in CustomsEvent if kind.value.startswith("customs.") and kind != CustomsEvent.PARTY_REGISTERED
)


def bucket_of(seconds: float) -> int:
    if seconds < _BASE_S:
        return 0
    return min(DURATION_BUCKETS - 1, 1 + math.floor(_STEPS_PER_OCTAVE * math.log2(seconds / _BASE_S)))


def bucket_bounds(index: int) -> tuple[float, float | None]:
    """The lower and upper bound (seconds) of bucket ``index``; the last has no upper bound."""
    if index == 0:
        return 0.0, _BASE_S
    low = _BASE_S * 2 ** ((index - 1) / _STEPS_PER_OCTAVE)
    high = _BASE_S * 2 ** (index / _STEPS_PER_OCTAVE) if index < DURATION_BUCKETS - 1 else None
    return low, high


def quantile(buckets: Sequence[int], q: float) -> float | None:
    """The ``q`` quantile (0 < q <= 1) of the durations counted in ``buckets``: the bucket holding
    rank ``q·n``, interpolated inside it (linearly in the first bucket, geometrically in the log
    ones; the open last bucket answers its lower bound). None when nothing was counted."""
    total = sum(buckets)
    if total == 0:
        return None
    rank = q * total
    before = 0
    for index, count in enumerate(buckets):
        if count and before + count >= rank:
            fraction = (rank - before) / count
            low, high = bucket_bounds(index)
            if high is None:
                return low
            if index == 0:
                return low + (high - low) * fraction
            return float(low * (high / low) ** fraction)
        before += count
    return bucket_bounds(len(buckets) - 1)[0]


@functools.lru_cache(maxsize=4096)
def period_starts(at: datetime) -> tuple[tuple[str, datetime], tuple[str, datetime]]:
    """The hour and the (local) day ``at`` falls in (cached: an import chunk's events share a time)."""
    local = timezone.localtime(at)
    return (
        (Grain.HOUR, local.replace(minute=0, second=0, microsecond=0)),
        (Grain.DAY, local.replace(hour=0, minute=0, second=0, microsecond=0)),
    )


@dataclass(frozen=True)
class _Declaration:
    pk: int
    collectorate_id: int
    station_id: int
    arrived_at: datetime | None
    exchange_rate: Decimal


def _paisa(amount: Any, rate: Decimal) -> int:
    try:
        value = Decimal(str(amount)) * rate * 100
    except (InvalidOperation, TypeError, ValueError):
        return 0
    return int(value.quantize(Decimal(1))) if value.is_finite() else 0


CounterKey = tuple[str, datetime, int, int, str]
DurationKey = tuple[str, datetime, int, int, str]


class _Sums:
    def __init__(self) -> None:
        self.counters: dict[CounterKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        self.durations: dict[DurationKey, list[int]] = defaultdict(lambda: [0, 0, *([0] * DURATION_BUCKETS)])

    def count(self, declaration: _Declaration, at: datetime, lane: str, name: str, amount: int = 1) -> None:
        coll, station = declaration.collectorate_id, declaration.station_id
        for grain, start in period_starts(at):
            # The row itself and its sums over the lanes, the stations, and both (see models.ALL_LANES).
            for key in (
                (grain, start, coll, station, lane),
                (grain, start, coll, station, ALL_LANES),
                (grain, start, coll, ALL_STATIONS, lane),
                (grain, start, coll, ALL_STATIONS, ALL_LANES),
            ):
                self.counters[key][name] += amount

    def duration(self, declaration: _Declaration, at: datetime, stage: str, seconds: float) -> None:
        seconds = max(0.0, seconds)
        bucket = 2 + bucket_of(seconds)
        for grain, start in period_starts(at):
            for station in (declaration.station_id, ALL_STATIONS):
                row = self.durations[(grain, start, declaration.collectorate_id, station, stage)]
                row[0] += 1
                row[1] += round(seconds)
                row[bucket] += 1


# One event of a trail as the fold reads it: (id, kind, occurred_at, data).
TrailEvent = tuple[int, str, datetime, dict[str, Any]]


def _contributions(declaration: _Declaration, trail: Iterable[TrailEvent], fold: set[int] | None, sums: _Sums) -> None:
    """Walk one declaration's clearance trail in the order it was written, adding to ``sums`` what
    each event in ``fold`` (every event when None) contributes. Earlier events are read only for
    what a later one needs: the lane it stands in, the times a stage started."""
    lane = ""
    filed_at: datetime | None = None
    assessed_at: datetime | None = None
    for pk, kind, at, data in trail:
        data = data or {}
        counted = fold is None or pk in fold
        if kind == CustomsEvent.DECLARATION_FILED:
            filed_at = at
            if counted:
                sums.count(declaration, at, "", "filed")
                if declaration.arrived_at is not None:
                    sums.duration(declaration, at, Stage.ARRIVAL_FILING, (at - declaration.arrived_at).total_seconds())
        elif kind == CustomsEvent.LANE_ASSIGNED:
            first = not lane
            lane = str(data.get("lane", ""))
            if counted:
                sums.count(declaration, at, lane, "lanes_assigned" if first else "rerouted")
        elif not counted:
            if kind == CustomsEvent.ASSESSED:
                assessed_at = at
            continue
        elif kind == CustomsEvent.DOCUMENTS_CHECKED:
            sums.count(declaration, at, lane, "documents_checked")
        elif kind == CustomsEvent.EXAMINED:
            sums.count(declaration, at, lane, "examined")
            if data.get("outcome", Outcome.NO_DISCREPANCY) != Outcome.NO_DISCREPANCY:
                sums.count(declaration, at, lane, "detections")
                extra = _paisa(data.get("extra_duty", 0), declaration.exchange_rate)
                if extra:
                    sums.count(declaration, at, lane, "extra_duty_paisa", extra)
        elif kind == CustomsEvent.ASSESSED:
            assessed_at = at
            sums.count(declaration, at, lane, "assessed")
            if filed_at is not None:
                sums.duration(declaration, at, Stage.FILING_ASSESSMENT, (at - filed_at).total_seconds())
        elif kind == CustomsEvent.DUTY_PAID:
            sums.count(declaration, at, lane, "paid")
            sums.count(
                declaration, at, lane, "duty_collected_paisa", _paisa(data.get("amount", 0), declaration.exchange_rate)
            )
        elif kind == CustomsEvent.RELEASED:
            sums.count(declaration, at, lane, "released")
            if assessed_at is not None:
                sums.duration(declaration, at, Stage.ASSESSMENT_RELEASE, (at - assessed_at).total_seconds())
            start = declaration.arrived_at or filed_at
            if start is not None:
                sums.duration(declaration, at, Stage.TOTAL, (at - start).total_seconds())


def _declarations(ids: Sequence[int]) -> dict[int, _Declaration]:
    rows = Declaration.objects.filter(pk__in=ids).values_list(
        "pk", "collectorate_id", "station_id", "arrived_at", "exchange_rate"
    )
    return {pk: _Declaration(pk, coll, station or 0, arrived, rate) for pk, coll, station, arrived, rate in rows}


def _trails(ids: Sequence[int]) -> dict[int, list[TrailEvent]]:
    """The clearance events of the declarations ``ids``, each declaration's in the order written.
    Plain tuples, not model instances: an import chunk reads tens of thousands."""
    trails: dict[int, list[TrailEvent]] = defaultdict(list)
    events = (
        Event.objects.filter(subject_type=SUBJECT_TYPE, subject_id__in=[str(pk) for pk in ids], kind__in=_KINDS)
        .order_by("id")
        .values_list("subject_id", "id", "kind", "occurred_at", "data")
    )
    for subject_id, pk, kind, at, data in events.iterator(chunk_size=10_000):
        trails[int(subject_id)].append((pk, kind, at, data))
    return trails


def _upsert(table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = [*key, *columns]
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(name) for name in names)}) "  # noqa: S608 (model names)
        f"VALUES ({', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT ({', '.join(quote(name) for name in key)}) DO UPDATE SET "
        + ", ".join(f"{quote(name)} = {quote(table)}.{quote(name)} + excluded.{quote(name)}" for name in columns)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write(sums: _Sums) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    counter_rows = [
        (grain, adapt(start), coll, station, lane, *(values[name] for name in COUNTERS))
        for (grain, start, coll, station, lane), values in sorted(sums.counters.items(), key=lambda item: item[0])
        if any(values.values())
    ]
    duration_rows = [
        (grain, adapt(start), coll, station, stage, *values)
        for (grain, start, coll, station, stage), values in sorted(sums.durations.items(), key=lambda item: item[0])
    ]
    _upsert(
        ClearanceRollup._meta.db_table,
        ("grain", "period_start", "collectorate_id", "station_id", "lane"),
        COUNTERS,
        counter_rows,
    )
    _upsert(
        ClearanceDurationRollup._meta.db_table,
        ("grain", "period_start", "collectorate_id", "station_id", "stage"),
        ("n", "total_seconds", *BUCKET_COLUMNS),
        duration_rows,
    )


def rollup_fold(*, declaration_ids: Sequence[int], event_ids: Iterable[int] | None = None) -> None:
    """Add to the roll-ups what ``event_ids`` (every clearance event of the declarations when None)
    contribute, in the caller's transaction, and tell the dashboard's pollers once it commits. The
    clearance services call it with the event they recorded; the bulk import once per chunk."""
    if not declaration_ids:
        return
    fold = None if event_ids is None else set(event_ids)
    sums = _Sums()
    ids = list(declaration_ids)
    # Slices keep each IN list under SQLite's bound on parameters (an import chunk has 50,000 items).
    for start in range(0, len(ids), REBUILD_BATCH):
        declarations = _declarations(ids[start : start + REBUILD_BATCH])
        for pk, trail in _trails(list(declarations)).items():
            _contributions(declarations[pk], trail, fold, sums)
    _write(sums)
    live_bump(LIVE_TOPIC)


def rollup_fold_move(*, declaration: Declaration, event: Event) -> None:
    """The roll-ups of one move (the event it just recorded), in its transaction."""
    rollup_fold(declaration_ids=[declaration.pk], event_ids=[event.pk])


@transaction.atomic
def rollup_rebuild(*, batch_size: int = REBUILD_BATCH) -> int:
    """Throw the roll-ups away and add up every declaration's trail again; returns the declarations
    read. On PostgreSQL the roll-up tables are locked first, so a move that commits meanwhile waits
    and adds its own part after the rebuild (never twice, never lost)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {ClearanceRollup._meta.db_table}, {ClearanceDurationRollup._meta.db_table} "
                "IN EXCLUSIVE MODE"
            )
    ClearanceRollup.objects.all().delete()
    ClearanceDurationRollup.objects.all().delete()
    ids = list(Declaration.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        sums = _Sums()
        chunk = ids[start : start + batch_size]
        declarations = _declarations(chunk)
        for pk, trail in _trails(chunk).items():
            if pk in declarations:
                _contributions(declarations[pk], trail, None, sums)
        _write(sums)
    live_bump(LIVE_TOPIC)
    return len(ids)


def backlog_statuses() -> list[str]:
    """The stages a declaration waits at before release, in the order of the trail."""
    return [status for status in Status.values if status != Status.RELEASED]


__all__ = [
    "LIVE_TOPIC",
    "backlog_statuses",
    "bucket_bounds",
    "bucket_of",
    "period_starts",
    "quantile",
    "rollup_fold",
    "rollup_fold_move",
    "rollup_rebuild",
]
