from __future__ import annotations

import pytest

from rabta.directory.choices import OfficeLevel
from rabta.directory.selectors import (
    jurisdiction_tree,
    office_reporting_line,
    office_search,
    office_subtree,
    offices_serving,
)
from rabta.directory.services import jurisdictions_load, office_create, office_deactivate

pytestmark = pytest.mark.django_db


@pytest.fixture
def tehsil(world):
    return office_create(
        department=world.lg_punjab,
        code="PB-LG-LHR-T1",
        name="Local Government Lahore Tehsil 1",
        level=OfficeLevel.TEHSIL,
        jurisdiction=world.lahore,
        parent=world.office_a,
    )


def test_subtree_is_the_office_and_everything_below_it(world, tehsil):
    assert [o.code for o in office_subtree(world.head_a)] == ["PB-LG-HQ", "PB-LG-LHR", "PB-LG-LHR-T1"]
    assert [o.code for o in office_subtree(world.office_b)] == ["SD-LG-KHI"]


def test_reporting_line_is_nearest_first(world, tehsil, django_assert_num_queries):
    with django_assert_num_queries(1):
        line = office_reporting_line(tehsil)
    assert line == [world.office_a, world.head_a]
    assert office_reporting_line(world.head_a) == []


def test_search_matches_every_word_and_filters(world, tehsil):
    assert {o.code for o in office_search(query="local lahore")} == {"PB-LG-LHR", "PB-LG-LHR-T1"}
    assert {o.code for o in office_search(query="local", government=world.gov_sindh)} == {"SD-LG-HQ", "SD-LG-KHI"}
    assert {o.code for o in office_search(query="", jurisdiction=world.sindh, department=world.customs)} == {
        "FED-CUS-APP-KHI"
    }
    assert [o.code for o in office_search(query="lahore", level=OfficeLevel.TEHSIL)] == ["PB-LG-LHR-T1"]
    assert len(office_search(query="", limit=2)) == 2
    office_deactivate(office=tehsil)
    assert "PB-LG-LHR-T1" not in {o.code for o in office_search(query="lahore")}
    assert "PB-LG-LHR-T1" in {o.code for o in office_search(query="lahore", active_only=False)}


def test_offices_serving_a_place_most_local_first(world, tehsil):
    served = list(offices_serving(world.lahore))
    assert served == [tehsil, world.office_a]
    world.head_b.serves.add(world.lahore)
    assert world.head_b in offices_serving(world.lahore)
    assert len(list(offices_serving(world.lahore))) == 3


def test_jurisdiction_tree_of_the_shipped_data():
    jurisdictions_load()
    roots = jurisdiction_tree()
    assert [r.jurisdiction.code for r in roots] == ["PK"]
    provinces = {n.jurisdiction.code: n for n in roots[0].children}
    assert len(provinces) == 7
    lahore_division = next(n for n in provinces["PK-PB"].children if n.jurisdiction.code == "PK-PB-DV-LHR")
    assert [n.jurisdiction.name for n in lahore_division.children] == [
        "Kasur",
        "Lahore",
        "Nankana Sahib",
        "Sheikhupura",
    ]
    assert [n.jurisdiction.code for n in provinces["PK-IS"].children] == ["PK-IS-ISB"]
