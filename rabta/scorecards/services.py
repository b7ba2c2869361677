"""Folding complaint events into the roll-ups: incrementally (``rollup_fold``) or from scratch
(``rollup_rebuild``), with the same function applied to each event in id order, so that the two
give the same tables however the events are cut into batches (``tests/test_equivalence.py``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import UniqueConstraint
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from rabta.complaints.events import ComplaintsEvent
from rabta.complaints.models import Category, Complaint
from rabta.core.live import live_bump
from rabta.core.models import Event
from rabta.directory.choices import JurisdictionKind
from rabta.directory.models import Jurisdiction, Office, office_path_ids
from rabta.scorecards.choices import GROUP_BITS, GROUP_FLAGS, Level
from rabta.scorecards.models import (
    COUNTERS,
    DAY_BUCKETS,
    ComplaintTrack,
    DailyRollup,
    FoldCursor,
    GroupRollup,
    RollupCounters,
    UnitRollup,
)

FOLD_BATCH = 5_000
# Event ids are handed out before their transactions commit: on PostgreSQL a lower id may become
# visible after a higher one. While the ids after the cursor run on without a gap, nothing can
# appear behind them, and a fold takes them at once. After a missing id (a transaction still open,
# or one that rolled back) a fold leaves alone the events younger than this, so that a transaction
# still open that long ago has committed before the cursor passes its id.
SETTLE = timedelta(seconds=30)
# What the live dashboard watches (rabta.core.live): replaced once a fold that counted something commits.
LIVE_TOPIC = "scorecards"

SUBJECT_TYPE = Complaint._meta.label_lower
FOLDED_KINDS = (
    ComplaintsEvent.SUBMITTED,
    ComplaintsEvent.ROUTED,
    ComplaintsEvent.TRANSFERRED,
    ComplaintsEvent.RESOLVED,
    ComplaintsEvent.REJECTED,
    ComplaintsEvent.REOPENED,
    ComplaintsEvent.APPEALED,
    ComplaintsEvent.ESCALATED,
    ComplaintsEvent.FEEDBACK_GIVEN,
    ComplaintsEvent.CLOSED_CONFIRMED,
    ComplaintsEvent.CLOSED_UNCONFIRMED,
    ComplaintsEvent.APPEAL_DECIDED,
    ComplaintsEvent.REOPENED_ON_APPEAL,
)

Key = tuple[int, int, date, int]  # office, category, day, groups


class Folded(NamedTuple):
    """What the fold reads of one event (a plain row: no model instance a event)."""

    id: int
    occurred_at: datetime
    kind: str
    subject_id: str
    data: dict[str, Any]


Unit = tuple[str, int]  # level, id


@dataclass(frozen=True)
class FoldResult:
    events: int  # events folded (of the kinds the roll-ups count)
    last_event_id: int
    advanced: bool  # False when nothing was left, or another worker claimed the same batch first


def day_bucket(days: int) -> str:
    for name, low, high in DAY_BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return DAY_BUCKETS[0][0]  # a negative duration (clock skew) counts as the same day


def _cursor() -> FoldCursor:
    cursor, _ = FoldCursor.objects.get_or_create(pk=1)
    return cursor


def _office_units(office_ids: set[int]) -> dict[int, list[Unit]]:
    """Every unit of the scorecard tree each office counts for: the nation, its government, its
    department, itself and every office above it (an office's unit holds its whole subtree), and
    the province and district of the place it mainly serves. Two queries."""
    rows = list(
        Office.objects.filter(id__in=office_ids).values_list(
            "id", "path", "department_id", "department__government_id", "jurisdiction_id"
        )
    )
    places = _place_units({row[4] for row in rows})
    units: dict[int, list[Unit]] = {}
    for pk, path, department_id, government_id, place_id in rows:
        line = office_path_ids(path) or [pk]
        units[pk] = [
            (Level.NATION, 0),
            (Level.GOVERNMENT, government_id),
            (Level.DEPARTMENT, department_id),
            *((Level.OFFICE, above) for above in line),
            *places.get(place_id, []),
        ]
    return units


def _place_units(place_ids: set[int]) -> dict[int, list[Unit]]:
    """The province and district units of each place (a tehsil counts for its district and its
    province; a province's own office for the province only), from one query over three parents."""
    chain = ("", "parent__", "parent__parent__", "parent__parent__parent__")
    fields = [f"{hop}{name}" for hop in chain for name in ("id", "kind")]
    units: dict[int, list[Unit]] = {}
    for row in Jurisdiction.objects.filter(id__in=place_ids).values_list(*fields):
        found: list[Unit] = []
        for index in range(0, len(row), 2):
            pk, kind = row[index], row[index + 1]
            if kind == JurisdictionKind.PROVINCE:
                found.append((Level.PROVINCE, pk))
            elif kind == JurisdictionKind.DISTRICT:
                found.append((Level.DISTRICT, pk))
        units[row[0]] = found
    return units


def _groups_of(bits: int) -> list[str]:
    return [group for group, bit in GROUP_BITS.items() if bits & bit]


def _fold(events: list[Folded]) -> None:
    """Apply ``events`` (in id order) to the tracks and roll-ups. The caller holds the cursor."""
    if not events:
        return
    ids = {int(event.subject_id) for event in events}
    tracks = ComplaintTrack.objects.in_bulk(list(ids))
    office_codes = {str(event.data.get("office") or "") for event in events if event.kind == ComplaintsEvent.ROUTED}
    office_codes |= {
        str(event.data.get("to_office") or "") for event in events if event.kind == ComplaintsEvent.TRANSFERRED
    }
    offices = dict(Office.objects.filter(code__in=office_codes - {""}).values_list("code", "id"))
    category_codes = {
        str(event.data.get("category") or "") for event in events if event.kind == ComplaintsEvent.SUBMITTED
    }
    categories = dict(Category.objects.filter(code__in=category_codes - {""}).values_list("code", "id"))
    # The place and the groups are the complaint's intake, fixed once it is written: read from the
    # row (the event does not carry the flags, so that no timeline can show them to an office).
    submitted = [int(event.subject_id) for event in events if event.kind == ComplaintsEvent.SUBMITTED]
    intake = {
        row[0]: (row[1], sum(bit for bit, flag in zip(GROUP_BITS.values(), row[2:], strict=True) if flag))
        for row in Complaint.objects.filter(pk__in=submitted).values_list(
            "pk", "jurisdiction_id", *GROUP_FLAGS.values()
        )
    }

    created: dict[int, ComplaintTrack] = {}
    changed: set[int] = set()
    deltas: dict[Key, Counter[str]] = defaultdict(Counter)
    for event in events:
        pk = int(event.subject_id)
        if event.kind == ComplaintsEvent.SUBMITTED:
            place_id, groups = intake.get(pk, (None, 0))
            track = ComplaintTrack(
                complaint_id=pk,
                category_id=categories.get(str(event.data.get("category"))),
                received_at=event.occurred_at,
                place_id=place_id,
                groups=groups,
            )
            tracks[pk] = created[pk] = track
            continue
        track = tracks.get(pk)  # type: ignore[assignment]
        if track is None:
            continue  # a complaint whose submission was never recorded: nothing to count it under
        if pk not in created:
            changed.add(pk)
        if event.kind in PENDING_AFTER:
            track.pending = PENDING_AFTER[ComplaintsEvent(event.kind)]
        if event.kind in (ComplaintsEvent.ROUTED, ComplaintsEvent.TRANSFERRED):
            name = "office" if event.kind == ComplaintsEvent.ROUTED else "to_office"
            before, track.office_id = track.office_id, offices.get(str(event.data.get(name)))
            if before is not None and track.category_id is not None and event.kind == ComplaintsEvent.TRANSFERRED:
                deltas[(before, track.category_id, timezone.localdate(event.occurred_at), track.groups)][
                    "transferred"
                ] += 1
            if event.kind == ComplaintsEvent.TRANSFERRED or track.office_id is None:
                continue
        if track.office_id is None or track.category_id is None:
            continue
        counts = deltas[(track.office_id, track.category_id, timezone.localdate(event.occurred_at), track.groups)]
        for counter in _counters(event, track):
            counts[counter] += 1

    _tracks_write(list(created.values()), [tracks[pk] for pk in sorted(changed)])
    _rollups_add(deltas)


def _tracks_write(created: list[ComplaintTrack], changed: list[ComplaintTrack]) -> None:
    """Write the batch's new tracks and the moves of the others. On PostgreSQL one statement,
    ``INSERT ... SELECT FROM unnest(...) ON CONFLICT (complaint_id) DO UPDATE`` of the office and
    the pending flag (a new track is inserted, a known one takes its new place): one array a column,
    linear in the tracks. (Django's ``bulk_update`` builds a ``CASE WHEN`` a row, quadratic in the
    batch and most of a fold's time at 5,000 events.) Elsewhere (SQLite) the ORM's bulk writes."""
    if connection.vendor != "postgresql":
        ComplaintTrack.objects.bulk_create(created)
        ComplaintTrack.objects.bulk_update(changed, ["office", "pending"], batch_size=500)
        return
    rows = sorted([*created, *changed], key=lambda track: track.complaint_id)
    if not rows:
        return
    names = ("complaint_id", "office_id", "category_id", "received_at", "place_id", "groups", "pending")
    fields = {field.attname: field for field in ComplaintTrack._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(ComplaintTrack._meta.db_table)
    columns = [fields[name].column for name in names]
    types = [_array_type(fields[name]) for name in names]
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608  (names from the model, values bound)
        f"SELECT * FROM unnest({', '.join(_ARRAY.format(kind) for kind in types)}) "
        f"ON CONFLICT ({quote(fields['complaint_id'].column)}) DO UPDATE SET "
        f"{quote(fields['office_id'].column)} = EXCLUDED.{quote(fields['office_id'].column)}, "
        f"{quote(fields['pending'].column)} = EXCLUDED.{quote(fields['pending'].column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_pg_list(getattr(track, name) for track in rows) for name in names])


# An array parameter, sent as one comma-separated text (empty for NULL) and split by the server. The
# connection binds parameters on the client (psycopg's ClientCursor), which renders a list element
# by element in Python: for a batch's arrays most of the fold's own CPU time, measured. The values
# are numbers, dates, timestamps, booleans and the levels' codes: none holds a comma.
_ARRAY = "string_to_array(%s, ',', '')::{}[]"


def _pg_list(values: Iterable[Any]) -> str:
    return ",".join(_pg_text(value) for value in values)


def _pg_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return str(value)


def _array_type(field: Any) -> str:
    """The PostgreSQL type of ``field``'s column without its modifiers (``varchar(12)`` → ``varchar``)
    and checks, to cast an array parameter to."""
    return str(field.db_type(connection)).split("(")[0].split(" ")[0]


# What an event makes of "waiting for the office" (the backlog); kinds not listed leave it as it is.
PENDING_AFTER: dict[ComplaintsEvent, bool] = {
    ComplaintsEvent.ROUTED: True,
    ComplaintsEvent.RESOLVED: False,
    ComplaintsEvent.REJECTED: False,
    ComplaintsEvent.REOPENED: True,
    ComplaintsEvent.REOPENED_ON_APPEAL: True,
}


def _counters(event: Folded, track: ComplaintTrack) -> Iterable[str]:
    """The counters one event adds one to, at the office that holds the complaint."""
    kind = event.kind
    if kind == ComplaintsEvent.ROUTED:
        yield "received"
    elif kind == ComplaintsEvent.RESOLVED:
        yield "resolved"
        yield day_bucket((event.occurred_at - track.received_at).days)
        due = parse_datetime(str(event.data.get("resolve_due_at") or ""))
        if due is not None:
            yield "resolved_with_deadline"
            if event.occurred_at <= due:
                yield "resolved_within_deadline"
    elif kind == ComplaintsEvent.REJECTED:
        yield "rejected"
    elif kind == ComplaintsEvent.REOPENED:
        yield "reopened"
    elif kind == ComplaintsEvent.APPEALED:
        yield "appealed"
    elif kind == ComplaintsEvent.APPEAL_DECIDED:
        yield "appeals_decided"
    elif kind == ComplaintsEvent.REOPENED_ON_APPEAL:
        yield "appeals_upheld"  # the decision granted more relief than the resolution: upheld
    elif kind == ComplaintsEvent.ESCALATED:
        yield "escalated"
    elif kind == ComplaintsEvent.FEEDBACK_GIVEN:
        yield "feedback_rated"  # this kind is the unsatisfied answer; a satisfied one closes it
    elif kind == ComplaintsEvent.CLOSED_CONFIRMED:
        yield "feedback_rated"
        yield "feedback_satisfied"
    elif kind == ComplaintsEvent.CLOSED_UNCONFIRMED:
        yield "closed_unconfirmed"


def _rollups_add(deltas: dict[Key, Counter[str]]) -> None:
    """Add the deltas of each (office, category, day, groups) to the office's row and to the rows
    of every unit and group the office and the complaint count for."""
    deltas = {key: counts for key, counts in deltas.items() if counts}
    if not deltas:
        return
    units_of = _office_units({key[0] for key in deltas})
    if connection.vendor == "postgresql":
        _rollups_upsert(deltas, units_of)
        return
    by_office: dict[tuple[int, int, date], Counter[str]] = defaultdict(Counter)
    by_unit: dict[tuple[str, int, date], Counter[str]] = defaultdict(Counter)
    by_group: dict[tuple[str, int, date, str], Counter[str]] = defaultdict(Counter)
    for (office_id, category_id, day, groups), counts in deltas.items():
        by_office[(office_id, category_id, day)].update(counts)
        names = _groups_of(groups)
        for level, unit_id in units_of.get(office_id, []):
            by_unit[(level, unit_id, day)].update(counts)
            for group in names:
                by_group[(level, unit_id, day, group)].update(counts)
    _add(DailyRollup, ("office_id", "category_id", "day"), by_office)
    _add(UnitRollup, ("level", "unit_id", "day"), by_unit)
    _add(GroupRollup, ("level", "unit_id", "day", "group"), by_group)


def _add(model: type[RollupCounters], names: tuple[str, ...], deltas: Mapping[tuple[Any, ...], Counter[str]]) -> None:
    """Not PostgreSQL (SQLite): add ``deltas`` (key → counts) to the rows of ``model`` keyed by
    ``names``: one read of the rows that may exist, one insert of the new ones, one update of the
    others. Work is proportional to the rows the batch touches."""
    if not deltas:
        return
    lookup = {f"{name}__in": {key[index] for key in deltas} for index, name in enumerate(names)}
    existing = {tuple(getattr(row, name) for name in names): row for row in model.objects.filter(**lookup)}  # type: ignore[attr-defined]
    new: list[RollupCounters] = []
    updated: list[RollupCounters] = []
    for key, counts in deltas.items():
        row = existing.get(key)
        if row is None:
            new.append(model(**dict(zip(names, key, strict=True)), **counts))
            continue
        for name, value in counts.items():
            setattr(row, name, getattr(row, name) + value)
        updated.append(row)
    model.objects.bulk_create(new, batch_size=1000)  # type: ignore[attr-defined]
    model.objects.bulk_update(updated, list(COUNTERS), batch_size=1000)  # type: ignore[attr-defined]


COUNTER_NUMBER = {name: number for number, name in enumerate(COUNTERS)}


def _rollups_upsert(deltas: Mapping[Key, Counter[str]], units_of: Mapping[int, list[Unit]]) -> None:
    """PostgreSQL: the batch's counts into the three roll-up tables in one statement, set-based.

    Python sends what the events changed, sparse: one row per (office, category, day, groups,
    counter) with the number to add, and each office's units (``_office_units``: the one reader of
    the tree). The database pivots the counters, fans them out to the units and the complainant
    groups with joins, and adds them to the rows with ``INSERT ... ON CONFLICT (key) DO UPDATE SET
    c = row.c + EXCLUDED.c``, one data-modifying CTE a table. Every parameter is an array, so the
    statement is the same size whatever the batch, and the work is proportional to the rows the
    batch touches. Each insert runs in key order (a rebuild's rows are written in the same order)."""
    changes = [
        (key, COUNTER_NUMBER[name], amount)
        for key, counts in deltas.items()
        for name, amount in counts.items()
        if amount
    ]
    mapping = [
        (office_id, str(level), int(unit_id)) for office_id, units in units_of.items() for level, unit_id in units
    ]
    quote = connection.ops.quote_name
    pivot = ", ".join(
        f"sum(CASE WHEN e.counter = {number} THEN e.amount ELSE 0 END) AS {quote(name)}"
        for number, name in enumerate(COUNTERS)
    )
    sums = ", ".join(f"sum(d.{quote(name)})" for name in COUNTERS)
    named_sums = ", ".join(f"sum(d.{quote(name)}) AS {quote(name)}" for name in COUNTERS)

    def insert(model: type[RollupCounters], keys: dict[str, str], source: str) -> str:
        fields = {field.attname: field for field in model._meta.concrete_fields}
        table = quote(model._meta.db_table)
        key_columns = [quote(fields[name].column) for name in keys]
        unique = next(c for c in model._meta.constraints if isinstance(c, UniqueConstraint))
        by_name = {field.name: field for field in model._meta.concrete_fields}
        conflict = ", ".join(quote(by_name[name].column) for name in unique.fields)
        positions = ", ".join(str(index + 1) for index in range(len(keys)))
        updates = ", ".join(f"{quote(name)} = {table}.{quote(name)} + EXCLUDED.{quote(name)}" for name in COUNTERS)
        return (
            f"INSERT INTO {table} ({', '.join([*key_columns, *(quote(name) for name in COUNTERS)])}) "
            f"SELECT {', '.join(keys.values())}, {sums} {source} GROUP BY {positions} ORDER BY {positions} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )

    daily = insert(DailyRollup, {"office_id": "d.office_id", "day": "d.day", "category_id": "d.category_id"}, "FROM d")
    unit = insert(
        UnitRollup,
        {"level": "m.level", "unit_id": "m.unit_id", "day": "d.day"},
        "FROM o AS d JOIN m ON m.office_id = d.office_id",
    )
    group = insert(
        GroupRollup,
        {"level": "m.level", "unit_id": "m.unit_id", "day": "d.day", "group": "g.name"},
        "FROM d JOIN m ON m.office_id = d.office_id JOIN g ON (d.groups & g.bit) <> 0",
    )
    sql = (
        "WITH e (office_id, category_id, day, groups, counter, amount) AS ("  # noqa: S608  (names from the model, values bound)
        f"SELECT * FROM unnest({_ARRAY.format('bigint')}, {_ARRAY.format('bigint')}, {_ARRAY.format('date')}, "
        f"{_ARRAY.format('integer')}, {_ARRAY.format('integer')}, {_ARRAY.format('integer')})), "
        f"d AS (SELECT e.office_id, e.category_id, e.day, e.groups, {pivot} FROM e GROUP BY 1, 2, 3, 4), "
        f"m (office_id, level, unit_id) AS (SELECT * FROM unnest({_ARRAY.format('bigint')}, "
        f"{_ARRAY.format('text')}, {_ARRAY.format('bigint')})), "
        f"g (name, bit) AS (SELECT * FROM unnest({_ARRAY.format('text')}, {_ARRAY.format('integer')})), "
        # The offices' days (categories and groups summed) before the fan-out: fewer rows to join.
        f"o AS (SELECT d.office_id, d.day, {named_sums} FROM d GROUP BY 1, 2), "
        f"daily AS ({daily}), unit AS ({unit}) {group}"
    )
    params = [
        ",".join(str(key[0]) for key, _, _ in changes),
        ",".join(str(key[1]) for key, _, _ in changes),
        ",".join(key[2].isoformat() for key, _, _ in changes),
        ",".join(str(key[3]) for key, _, _ in changes),
        ",".join(str(number) for _, number, _ in changes),
        ",".join(str(amount) for _, _, amount in changes),
        ",".join(str(office_id) for office_id, _, _ in mapping),
        ",".join(level for _, level, _ in mapping),
        ",".join(str(unit_id) for _, _, unit_id in mapping),
        ",".join(GROUP_BITS),
        ",".join(str(bit) for bit in GROUP_BITS.values()),
    ]
    with connection.cursor() as cursor:
        # The planner's estimates of unnest are far off; its JIT would compile for longer than the
        # statement runs (a fifth of a batch's time, measured). For this transaction only.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)


def _batch(after: int, *, batch_size: int, settle: timedelta, now: datetime) -> tuple[list[Folded], int]:
    """The next events after ``after`` (at most ``batch_size`` ids), and the id the cursor moves to:
    the last id looked at. The ids run on from ``after`` without a gap are taken at once; after a
    missing id, the scan stops before the first event younger than ``settle``."""
    rows = list(Event.objects.filter(id__gt=after).order_by("id").values_list("id", "occurred_at")[:batch_size])
    end = after
    for pk, occurred_at in rows:
        if pk != end + 1 and occurred_at > now - settle:
            break  # an id is missing before this one: it may still commit, so wait until settled
        end = pk
    if end == after:
        return [], end
    # The complaint events among them, read by range (no list of ids to send), as plain rows.
    events = [
        Folded(*row)
        for row in Event.objects.filter(id__gt=after, id__lte=end, subject_type=SUBJECT_TYPE, kind__in=FOLDED_KINDS)
        .order_by("id")
        .values_list("id", "occurred_at", "kind", "subject_id", "data")
    ]
    return events, end


def rollup_fold(*, batch_size: int = FOLD_BATCH, settle: timedelta = SETTLE) -> FoldResult:
    """Fold the next batch of events after the cursor, in one transaction. Two workers may call it
    at once: the conditional UPDATE of the cursor lets one of them claim the batch, and the other
    folds nothing. Work is proportional to the batch, never to the history."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    start = _cursor().last_event_id
    now = timezone.now()
    with transaction.atomic():
        events, end = _batch(start, batch_size=batch_size, settle=settle, now=now)
        if end == start:
            return FoldResult(events=0, last_event_id=start, advanced=False)
        claimed = FoldCursor.objects.filter(pk=1, last_event_id=start).update(last_event_id=end, folded_at=now)
        if not claimed:
            return FoldResult(events=0, last_event_id=start, advanced=False)
        _fold(events)
        if events:
            live_bump(LIVE_TOPIC)
    return FoldResult(events=len(events), last_event_id=end, advanced=True)


def rollup_fold_all(*, batch_size: int = FOLD_BATCH, settle: timedelta = SETTLE) -> int:
    """Fold batches until none is left; returns the events folded."""
    total = 0
    while True:
        result = rollup_fold(batch_size=batch_size, settle=settle)
        total += result.events
        if not result.advanced:
            return total


# The live dashboard's polls fold what is new, at most once in this many seconds across every worker.
LIVE_FOLD_EVERY_S = 1
_LIVE_FOLD_KEY = "rabta:scorecards:live-fold"


def rollup_fold_live(*, batch_size: int = FOLD_BATCH, settle: timedelta = SETTLE) -> int | None:
    """Fold what is new now, unless another poll did within ``LIVE_FOLD_EVERY_S`` (a key in the shared
    cache, taken with an atomic add: one worker of the deployment folds, the others only read the
    version). Returns the events folded, or None when it was another poll's turn. With nothing new
    it is one read of the events after the cursor. The live dashboard calls it on each poll, so a
    complaint's move is counted within about a second of its commit, not at the next beat (a
    minute); the beat task stays for the hours nobody watches."""
    try:
        mine = cache.add(_LIVE_FOLD_KEY, 1, timeout=LIVE_FOLD_EVERY_S)
    except Exception:  # no shared cache: the beat task still folds, only later
        return None
    if not mine:
        return None
    return rollup_fold(batch_size=batch_size, settle=settle).events  # one batch: a poll never runs long


@transaction.atomic
def rollup_rebuild(*, batch_size: int = FOLD_BATCH, settle: timedelta = SETTLE) -> int:
    """Throw the roll-ups away and fold every event again, in one transaction: a fold running at
    the same time waits on the cursor row and then finds it moved, so it folds nothing."""
    cursor = FoldCursor.objects.select_for_update().filter(pk=1).first() or _cursor()
    for model in (DailyRollup, UnitRollup, GroupRollup, ComplaintTrack):
        model.objects.all().delete()
    FoldCursor.objects.filter(pk=cursor.pk).update(last_event_id=0, folded_at=None)
    return rollup_fold_all(batch_size=batch_size, settle=settle)
