"""The counts of accountability actions per unit of the scorecard tree and kind, folded from the
accountability events (``accountability.action_recorded`` and ``.action_withdrawn``), as the
complaint roll-ups are folded from complaint events: incrementally after a cursor of their own
(``action_fold``), or again from scratch (``action_rebuild``), with the same function applied to
each event in id order, so that the two give the same table.

An action counts for every unit its office belongs to (the nation, its government and department,
the office and each office above it, the province and district it serves), on the day it was taken.
A withdrawn action is counted as withdrawn on that same day, so the published count (recorded minus
withdrawn) of any period leaves it out. Only counts are kept: no action, officer or complaint.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from rabta.accountability.choices import ActionKind
from rabta.accountability.events import AccountabilityEvent
from rabta.accountability.models import AccountabilityAction
from rabta.core.models import Event
from rabta.scorecards.models import ActionFoldCursor, ActionRollup
from rabta.scorecards.services import FOLD_BATCH, SETTLE, _office_units

SUBJECT_TYPE = AccountabilityAction._meta.label_lower
COUNTED = {AccountabilityEvent.ACTION_RECORDED: "recorded", AccountabilityEvent.ACTION_WITHDRAWN: "withdrawn"}
# The kinds that hold an office or officer to account; a commendation is counted apart.
DISCIPLINARY = tuple(kind for kind in ActionKind if kind != ActionKind.COMMENDATION)

Key = tuple[str, int, str, date]  # level, unit, kind, day


@dataclass(frozen=True)
class ActionFoldResult:
    events: int
    last_event_id: int
    advanced: bool


def _cursor() -> ActionFoldCursor:
    cursor, _ = ActionFoldCursor.objects.get_or_create(pk=1)
    return cursor


def _fold(events: list[Event]) -> None:
    units = _office_units({int(event.data["office"]) for event in events})
    deltas: dict[Key, Counter[str]] = defaultdict(Counter)
    for event in events:
        kind, day = str(event.data["kind"]), date.fromisoformat(str(event.data["taken_on"]))
        for level, unit_id in units.get(int(event.data["office"]), []):
            deltas[(str(level), int(unit_id), kind, day)][COUNTED[AccountabilityEvent(event.kind)]] += 1
    if not deltas:
        return
    existing = {
        (row.level, row.unit_id, row.kind, row.day): row
        for row in ActionRollup.objects.filter(
            level__in={key[0] for key in deltas},
            unit_id__in={key[1] for key in deltas},
            kind__in={key[2] for key in deltas},
            day__in={key[3] for key in deltas},
        )
    }
    new, updated = [], []
    for key, counts in deltas.items():
        row = existing.get(key)
        if row is None:
            level, unit_id, kind, day = key
            new.append(ActionRollup(level=level, unit_id=unit_id, kind=kind, day=day, **counts))
            continue
        row.recorded += counts["recorded"]
        row.withdrawn += counts["withdrawn"]
        updated.append(row)
    ActionRollup.objects.bulk_create(new, batch_size=1000)
    ActionRollup.objects.bulk_update(updated, ["recorded", "withdrawn"], batch_size=1000)


def action_fold(*, batch_size: int = FOLD_BATCH, settle: timedelta = SETTLE) -> ActionFoldResult:
    """Fold the next batch of events after the cursor, in one transaction; a second worker's claim
    of the same batch (the conditional UPDATE of the cursor) matches nothing and folds nothing.
    Events younger than ``settle`` wait for the next fold (a lower id may commit after a higher one)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    start = _cursor().last_event_id
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Event.objects.filter(id__gt=start)
            .order_by("id")
            .values_list("id", "occurred_at", "kind", "subject_type")[:batch_size]
        )
        end, wanted = start, []
        for pk, occurred_at, kind, subject_type in rows:
            if occurred_at > now - settle:
                break
            end = pk
            if subject_type == SUBJECT_TYPE and kind in COUNTED:
                wanted.append(pk)
        if end == start:
            return ActionFoldResult(events=0, last_event_id=start, advanced=False)
        claimed = ActionFoldCursor.objects.filter(pk=1, last_event_id=start).update(last_event_id=end, folded_at=now)
        if not claimed:
            return ActionFoldResult(events=0, last_event_id=start, advanced=False)
        events = list(Event.objects.filter(id__in=wanted).order_by("id").only("id", "kind", "data"))
        _fold(events)
    return ActionFoldResult(events=len(events), last_event_id=end, advanced=True)


def action_fold_all(*, batch_size: int = FOLD_BATCH, settle: timedelta = SETTLE) -> int:
    total = 0
    while True:
        result = action_fold(batch_size=batch_size, settle=settle)
        total += result.events
        if not result.advanced:
            return total


@transaction.atomic
def action_rebuild(*, batch_size: int = FOLD_BATCH, settle: timedelta = SETTLE) -> int:
    """Throw the action counts away and fold every event again, in one transaction."""
    cursor = ActionFoldCursor.objects.select_for_update().filter(pk=1).first() or _cursor()
    ActionRollup.objects.all().delete()
    ActionFoldCursor.objects.filter(pk=cursor.pk).update(last_event_id=0, folded_at=None)
    return action_fold_all(batch_size=batch_size, settle=settle)


# --- Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionCounts:
    by_kind: dict[str, int]  # every kind, recorded minus withdrawn

    @property
    def disciplinary(self) -> int:
        return sum(self.by_kind[kind] for kind in DISCIPLINARY)

    @property
    def commendations(self) -> int:
        return self.by_kind[ActionKind.COMMENDATION]

    def rows(self) -> list[tuple[ActionKind, int]]:
        return [(kind, self.by_kind[kind]) for kind in ActionKind]


def action_counts(*, units: list[tuple[str, int]], start: date, end: date) -> dict[tuple[str, int], ActionCounts]:
    """The actions taken in ``[start, end]`` in each unit, by kind (withdrawn ones left out). One query."""
    found: dict[tuple[str, int], dict[str, int]] = {unit: dict.fromkeys(ActionKind.values, 0) for unit in units}
    if not units:
        return {}
    rows = (
        ActionRollup.objects.filter(
            level__in={level for level, _ in units},
            unit_id__in={unit_id for _, unit_id in units},
            day__gte=start,
            day__lte=end,
        )
        .values("level", "unit_id", "kind")
        .annotate(recorded=Sum("recorded"), withdrawn=Sum("withdrawn"))
    )
    for row in rows:
        unit = (row["level"], row["unit_id"])
        if unit in found:
            found[unit][row["kind"]] = (row["recorded"] or 0) - (row["withdrawn"] or 0)
    return {unit: ActionCounts(by_kind=counts) for unit, counts in found.items()}


@dataclass(frozen=True)
class ShownActions:
    """What a reader is shown of a unit's action counts. For the public (and staff outside the
    unit's oversight) a count from 1 to ``floor - 1`` is withheld (``None``): the minimum cell of
    the group breakdowns (``RABTA_SCORECARD_MIN_CELL``), so that a few actions in an office cannot
    be traced to an officer. Staff who see every action of the unit get the exact counts."""

    by_kind: dict[str, int | None]
    disciplinary: int | None
    commendations: int | None
    exact: bool

    def rows(self) -> list[tuple[ActionKind, int | None]]:
        return [(kind, self.by_kind[kind]) for kind in ActionKind]


def _shown(count: int, floor: int) -> int | None:
    return count if count == 0 or count >= floor else None


def actions_shown(counts: ActionCounts, *, floor: int, exact: bool) -> ShownActions:
    """``counts`` as ``actions_shown`` publishes them (see :class:`ShownActions`). The disciplinary
    total is published beside its kinds, so one withheld kind under a published total could be read
    back as the total minus the others: then the smallest other kind counted is withheld too."""
    if exact:
        by_kind: dict[str, int | None] = dict(counts.by_kind)
        return ShownActions(by_kind, counts.disciplinary, counts.commendations, exact=True)
    by_kind = {kind: _shown(count, floor) for kind, count in counts.by_kind.items()}
    total = _shown(counts.disciplinary, floor)
    withheld = [kind for kind in DISCIPLINARY if by_kind[kind] is None]
    if total is not None and len(withheld) == 1:
        others = [kind for kind in DISCIPLINARY if by_kind[kind]]
        if others:
            by_kind[min(others, key=lambda kind: (counts.by_kind[kind], kind))] = None
    return ShownActions(by_kind, total, by_kind[ActionKind.COMMENDATION], exact=False)
