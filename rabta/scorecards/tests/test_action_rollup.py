"""The accountability-action counts (rabta/scorecards/action_rollup.py): folded from the
accountability events into every unit an office belongs to, a withdrawn action leaving the count,
and an incremental fold in any batches equal to a rebuild from scratch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rabta.accountability import services
from rabta.accountability.choices import ActionKind
from rabta.accountability.tests.actions import TAKEN, record
from rabta.scorecards.action_rollup import (
    ActionCounts,
    action_counts,
    action_fold,
    action_fold_all,
    action_rebuild,
    actions_shown,
)
from rabta.scorecards.models import ActionRollup

pytestmark = pytest.mark.django_db
NOW = timedelta(0)


def table():
    return sorted(ActionRollup.objects.values_list("level", "unit_id", "kind", "day", "recorded", "withdrawn"))


def test_an_action_counts_for_each_unit_of_its_office_and_a_withdrawal_takes_it_out(world, oversight, officer_a):
    record(oversight, kind="warning", officer_id=officer_a.pk)
    withdrawn = record(oversight, kind="warning")
    record(oversight, kind="commendation")
    services.action_withdraw(action=withdrawn, actor=oversight, reason="Recorded in error.")
    assert action_fold_all(settle=NOW) == 4  # three recorded, one withdrawn
    office, head = world.office_a, world.head_a
    units = [
        ("nation", 0),
        ("government", world.gov_punjab.pk),
        ("department", office.department_id),
        ("office", office.pk),
        ("office", head.pk),
    ]
    found = action_counts(units=[*units, ("office", world.office_b.pk)], start=TAKEN, end=TAKEN)
    for unit in units:
        assert (found[unit].by_kind["warning"], found[unit].disciplinary, found[unit].commendations) == (1, 1, 1), unit
    assert found[("office", world.office_b.pk)].disciplinary == 0
    assert (
        action_counts(units=units, start=TAKEN + timedelta(days=1), end=TAKEN + timedelta(days=9))[
            units[0]
        ].disciplinary
        == 0
    )
    assert action_fold_all(settle=NOW) == 0  # nothing folded twice


def test_events_younger_than_the_settle_time_wait(oversight):
    record(oversight)
    assert action_fold(settle=timedelta(hours=1)).events == 0 and ActionRollup.objects.count() == 0
    assert action_fold_all(settle=NOW) == 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=st.lists(
        st.tuples(st.sampled_from(["warning", "suspension", "commendation"]), st.integers(0, 5), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    batches=st.lists(st.integers(1, 4), min_size=1, max_size=6),
)
def test_folding_in_any_batches_equals_a_rebuild(oversight, plan, batches):
    """Generated histories (kinds, days, withdrawals), folded in generated batch sizes between the
    moves, give the table a rebuild from scratch gives."""
    action_rebuild(settle=NOW)
    for step, (kind, days_before, withdraw) in enumerate(plan):
        action = record(oversight, kind=kind, taken_on=TAKEN - timedelta(days=days_before))
        if withdraw:
            services.action_withdraw(action=action, actor=oversight, reason="Revoked.")
        action_fold(batch_size=batches[step % len(batches)], settle=NOW)
    action_fold_all(settle=NOW)
    incremental = table()
    action_rebuild(settle=NOW)
    assert table() == incremental


def test_small_counts_are_withheld_and_a_lone_withheld_kind_is_not_left_to_subtraction():
    counts = ActionCounts(by_kind={**dict.fromkeys(ActionKind.values, 0), "warning": 10, "show_cause": 2})
    shown = actions_shown(counts, floor=5, exact=False)
    assert shown.by_kind["show_cause"] is None  # 2 is fewer than 5
    # The total (12) is published, so the warnings (the smallest other kind) are withheld too:
    # 12 - 10 would give the show-causes back.
    assert shown.disciplinary == 12 and shown.by_kind["warning"] is None
    assert shown.by_kind["suspension"] == 0 and shown.commendations == 0
    few = ActionCounts(by_kind={**dict.fromkeys(ActionKind.values, 0), "warning": 1, "commendation": 6})
    shown = actions_shown(few, floor=5, exact=False)
    assert shown.disciplinary is None and shown.by_kind["warning"] is None and shown.commendations == 6
    assert actions_shown(few, floor=5, exact=True).by_kind["warning"] == 1
    assert actions_shown(few, floor=5, exact=True).disciplinary == 1
