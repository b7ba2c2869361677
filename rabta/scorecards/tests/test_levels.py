"""The scorecard tree: levels and children, backlog by age, complainant groups (suppressed when
small), the complaints behind a figure within a member of staff's scope, league tables, and the
bad input of each."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.accounts.choices import Gender
from rabta.accounts.models import ComplainantProfile
from rabta.core.errors import DomainError, NotFound
from rabta.scorecards import selectors
from rabta.scorecards.choices import ComplainantGroup, Level, VolumeGroup
from rabta.scorecards.errors import ScorecardsError
from rabta.scorecards.models import ComplaintTrack, GroupRollup
from rabta.scorecards.services import rollup_fold_all
from rabta.scorecards.tests.test_services import NOW, history


@pytest.fixture
def folded(world, citizen, officer_a, submit):
    """The known history of test_services (three complaints at office A, by a woman), folded 20
    days on; returns the first day."""
    ComplainantProfile.objects.filter(user=citizen).update(gender=Gender.WOMAN)
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    return timezone.localdate(start)


def card(level, code, first, days=30):
    return selectors.scorecard(level=level, code=code, start=first, end=first + timedelta(days=days))


def test_every_level_up_the_tree_counts_the_office_below_it(world, folded):
    for level, code in [
        (Level.NATION, selectors.NATION_ID),
        (Level.GOVERNMENT, "PB"),
        (Level.DEPARTMENT, "PB-LG"),
        (Level.OFFICE, "PB-LG-HQ"),  # the head office's unit holds the offices below it
        (Level.OFFICE, "PB-LG-LHR"),
        (Level.PROVINCE, "PK-PB"),
        (Level.DISTRICT, "PK-PB-LHR"),
    ]:
        found = card(level, code, folded)
        assert (found.measures.received, found.measures.resolved, found.measures.satisfaction_rate) == (3, 2, 0.5), (
            level,
            code,
        )
    for level, code in [(Level.GOVERNMENT, "SD"), (Level.OFFICE, "SD-LG-KHI"), (Level.DISTRICT, "PK-SD-KHI")]:
        assert card(level, code, folded).measures.received == 0


def test_children_drill_down_one_level(world, folded):
    nation = card(Level.NATION, selectors.NATION_ID, folded)
    children = {(unit.level, unit.code): measures.received for unit, measures in nation.children}
    assert children[(Level.GOVERNMENT, "PB")] == 3 and children[(Level.GOVERNMENT, "SD")] == 0
    assert children[(Level.PROVINCE, "PK-PB")] == 3
    department = card(Level.DEPARTMENT, "PB-LG", folded)
    assert [unit.code for unit, _ in department.children] == ["PB-LG-HQ"]  # the top of the department
    head = card(Level.OFFICE, "PB-LG-HQ", folded)
    assert [(unit.code, m.received) for unit, m in head.children] == [("PB-LG-LHR", 3)]
    province = card(Level.PROVINCE, "PK-PB", folded)
    assert [unit.code for unit, _ in province.children] == ["PK-PB-LHR"]


def test_the_backlog_counts_what_waits_for_the_office_by_age(world, citizen, officer_a, submit):
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False) as clock:
        submit(subject="Old one")
        clock.shift(timedelta(days=70))
        submit(subject="New one")
        clock.shift(timedelta(minutes=1))
        rollup_fold_all(settle=NOW)
        backlog = selectors.unit_backlog(unit=selectors.unit_get(level="office", code="PB-LG-LHR"))
    assert backlog == {"pending": 2, "over_30": 1, "over_60": 1, "over_90": 0}
    assert ComplaintTrack.objects.filter(pending=True).count() == 2


def test_a_resolved_or_rejected_complaint_leaves_the_backlog(world, folded):
    # The history's quick one is closed, the slow one reopened (waiting again), the wrong one rejected.
    assert selectors.unit_backlog(unit=selectors.unit_get(level="nation", code="pk"))["pending"] == 1


def test_groups_are_counted_and_small_cells_suppressed(world, folded, settings):
    settings.RABTA_SCORECARD_MIN_CELL = 5
    groups = {cell.code: cell for cell in card(Level.NATION, selectors.NATION_ID, folded).groups}
    assert groups[ComplainantGroup.WOMAN].suppressed  # three complaints: fewer than five
    assert all(cell.measures is None for cell in groups.values())
    settings.RABTA_SCORECARD_MIN_CELL = 3
    groups = {cell.code: cell for cell in card(Level.NATION, selectors.NATION_ID, folded).groups}
    assert groups[ComplainantGroup.WOMAN].measures.received == 3
    assert groups[ComplainantGroup.MINORITY].suppressed  # none at all is not published either
    # Statistics only: the group roll-ups hold counts by unit and day, nothing naming a complaint.
    assert {f.name for f in GroupRollup._meta.concrete_fields} >= {"level", "unit_id", "group", "day"}
    assert not {"complaint", "complaint_id", "user"} & {f.name for f in GroupRollup._meta.concrete_fields}


def test_categories_break_a_unit_down(world, folded, settings):
    settings.RABTA_SCORECARD_MIN_CELL = 1
    unit = selectors.unit_get(level="department", code="PB-LG")
    cells = selectors.unit_categories(unit=unit, start=folded, end=folded + timedelta(days=30))
    assert [(cell.code, cell.measures.received) for cell in cells] == [("PB-MUN-WATER", 3)]


@pytest.mark.parametrize(("level", "code"), [("office", "NOPE"), ("province", "PK-PB-LHR"), ("nation", "x")])
def test_an_unknown_id_is_not_found(db, world, level, code):
    with pytest.raises(NotFound):
        selectors.unit_get(level=level, code=code)


def test_an_unknown_level_is_not_found_naming_the_field(db):
    with pytest.raises(NotFound) as refused:
        selectors.unit_get(level="planet", code="x")
    assert refused.value.code == "not_found"
    assert refused.value.message.startswith("level:")


def test_staff_list_the_complaints_behind_a_figure_within_their_scope(world, folded, officer_a, officer_b, oversight):
    listed = selectors.figure_complaints(user=officer_a, level="office", code="PB-LG-LHR", figure="pending")
    assert len(listed) == 1  # the reopened one
    received = selectors.figure_complaints(
        user=oversight, level="government", code="PB", figure="received", start=folded, end=folded
    )
    assert len(received) == 3
    with pytest.raises(NotFound):
        selectors.figure_complaints(user=officer_b, level="office", code="PB-LG-LHR", figure="pending")
    with pytest.raises(NotFound):  # oversight of Punjab does not see Sindh's department
        selectors.figure_complaints(user=oversight, level="department", code="SD-LG", figure="pending")


def test_a_complainant_may_not_list_the_complaints_behind_a_figure(world, folded, citizen):
    with pytest.raises(DomainError) as refused:
        selectors.figure_complaints(user=citizen, level="office", code="PB-LG-LHR", figure="pending")
    assert refused.value.code == "not_allowed"


def test_an_unknown_figure_is_refused_naming_the_field(world, officer_a):
    with pytest.raises(DomainError) as refused:
        selectors.figure_complaints(user=officer_a, level="office", code="PB-LG-LHR", figure="everything")
    assert refused.value.fields["figure"][0]["code"] == ScorecardsError.FIGURE_UNKNOWN


def test_the_league_ranks_only_offices_with_enough_complaints(world, folded):
    window = {"start": folded, "end": folded + timedelta(days=30)}
    table = selectors.league_table(measure="satisfaction_rate", min_sample=3, **window)
    ranked = [(row.unit.code, row.rank) for row in table if row.rank is not None]
    assert ranked == [("PB-LG-LHR", 1)]
    assert {row.unit.code for row in table if row.rank is None} >= {"PB-LG-HQ", "SD-LG-KHI"}
    assert not any(row.rank for row in selectors.league_table(min_sample=4, **window))  # three is too few


def test_volume_groups_compare_large_with_large():
    assert selectors.volume_group(10_000, 365) == VolumeGroup.LARGE
    assert selectors.volume_group(9_999, 365) == VolumeGroup.MEDIUM
    assert selectors.volume_group(500, 90) == VolumeGroup.MEDIUM  # 2,000 a year scaled to 90 days is 493
    assert selectors.volume_group(492, 90) == VolumeGroup.SMALL


def test_a_new_office_is_marked_and_ranked_on_its_own_window(world, folded):
    table = selectors.league_table(start=folded - timedelta(days=60), end=folded + timedelta(days=30), min_sample=1)
    assert all(row.new for row in table)  # every office of the fixture was added after the window began


def test_a_league_by_an_unknown_measure_is_refused(db):
    with pytest.raises(DomainError) as refused:
        selectors.league_table(measure="happiness")
    assert refused.value.fields["measure"][0]["code"] == ScorecardsError.MEASURE_UNKNOWN


def test_registered_users_by_type_suppress_small_counts(db, citizen, other_citizen, settings):
    settings.RABTA_SCORECARD_MIN_CELL = 2
    rows = {row["type"]: row["count"] for row in selectors.registered_users()}
    assert rows == {"citizen": 2, "overseas": 0, "foreigner": 0, "business": 0}
    settings.RABTA_SCORECARD_MIN_CELL = 3
    assert {row["type"]: row["count"] for row in selectors.registered_users()}["citizen"] is None
