"""The issue's "done when": roll-ups folded incrementally, in random batches interleaved with a
random history, equal the roll-ups rebuilt from every event from scratch."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db.models import Sum

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.core.models import Event
from rabta.scorecards.choices import Level
from rabta.scorecards.models import COUNTERS, DAY_BUCKETS, DailyRollup, FoldCursor, UnitRollup
from rabta.scorecards.services import _office_units, rollup_fold, rollup_fold_all, rollup_rebuild
from rabta.scorecards.tests.histories import snapshot, step

NOW = timedelta(0)  # fold events as soon as they are written (no settling time in a test)
# Hours the clock moves on between two moves: mostly little, sometimes weeks (deadlines pass, sweeps act).
# After the fixtures' own events (a fold stops at an event later than its clock).
START = datetime.now(UTC) + timedelta(days=1)
SHIFTS = [0] * 20 + [1, 2, 3, 5, 8, 12, 24, 30] * 3 + [24 * 4, 24 * 20]


@pytest.mark.parametrize("seed", range(6))
def test_incremental_folds_equal_a_rebuild_from_scratch(seed, world, citizen, officer_a, submit):
    rng = random.Random(seed)
    head_officer = make_user("head.officer@gov.pk", "Officer of the head office", (Role.OFFICER, world.head_a, None))
    staff = {world.office_a.pk: officer_a, world.head_a.pk: head_officer}
    moves: Counter[str] = Counter()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(rng.randint(80, 140)):
            moves[step(rng, submit=submit, citizen=citizen, staff=staff, head=world.head_a)] += 1
            clock.shift(timedelta(hours=rng.choice(SHIFTS)))
            if rng.random() < 0.3:
                rollup_fold(batch_size=rng.randint(1, 12), settle=NOW)
        rollup_fold_all(batch_size=rng.randint(1, 7), settle=NOW)
        assert FoldCursor.objects.get().last_event_id == Event.objects.latest("id").id
        folded = snapshot()
        rollup_rebuild(settle=NOW)
        rebuilt = snapshot()
    assert folded == rebuilt
    # And the units' rows are the offices' rows fanned out over the tree, computed here apart from
    # the fold (on PostgreSQL the fold fans out in SQL; this is the Python reading of the tree).
    assert unit_rows() == fanned_out_daily_rows()
    # The history must have exercised the roll-ups, or the equality proves nothing.
    totals = DailyRollup.objects.aggregate(**{name: Sum(name) for name in COUNTERS})
    # The nation's unit holds every office's counts, day by day.
    nation = UnitRollup.objects.filter(level=Level.NATION).aggregate(**{name: Sum(name) for name in COUNTERS})
    assert nation == totals
    assert totals["received"] == moves["submit"] > 0
    assert totals["resolved"] == moves["resolve"] > 0
    assert totals["feedback_rated"] == moves["feedback"]
    assert totals["rejected"] == moves["reject"]
    assert totals["transferred"] == moves["transfer"]


def test_the_histories_reach_every_counter(world, citizen, officer_a, submit):
    """Over a long enough history every counter moves (so the equivalence above covers each), and\n    resolutions fall in several buckets of days."""
    rng = random.Random(99)
    moves: Counter[str] = Counter()
    head_officer = make_user("head.officer@gov.pk", "Officer of the head office", (Role.OFFICER, world.head_a, None))
    staff = {world.office_a.pk: officer_a, world.head_a.pk: head_officer}
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(600):
            moves[step(rng, submit=submit, citizen=citizen, staff=staff, head=world.head_a)] += 1
            clock.shift(timedelta(hours=rng.choice(SHIFTS)))
        rollup_fold_all(settle=NOW)
    rows = list(DailyRollup.objects.values_list(*COUNTERS))
    silent = [name for index, name in enumerate(COUNTERS) if not any(row[index] for row in rows)]
    buckets = [name for name, _, _ in DAY_BUCKETS]
    assert [name for name in silent if name not in buckets] == [], moves
    assert len(set(buckets) - set(silent)) >= 3, moves  # the buckets themselves: test_services.py


def unit_rows() -> dict[tuple[str, int, object], tuple[int, ...]]:
    rows = UnitRollup.objects.values_list("level", "unit_id", "day", *COUNTERS)
    return {(level, unit_id, day): tuple(counts) for level, unit_id, day, *counts in rows if any(counts)}


def fanned_out_daily_rows() -> dict[tuple[str, int, object], tuple[int, ...]]:
    daily = list(DailyRollup.objects.values_list("office_id", "day", *COUNTERS))
    units = _office_units({row[0] for row in daily})
    found: dict[tuple[str, int, object], list[int]] = {}
    for office_id, day, *counts in daily:
        for level, unit_id in units[office_id]:
            total = found.setdefault((str(level), unit_id, day), [0] * len(COUNTERS))
            for index, value in enumerate(counts):
                total[index] += value
    return {key: tuple(counts) for key, counts in found.items() if any(counts)}
