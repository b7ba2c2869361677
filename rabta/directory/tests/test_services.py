from __future__ import annotations

import pytest

from rabta.core.errors import DomainError, InvalidTransition
from rabta.core.models import Event
from rabta.directory.choices import OfficeLevel
from rabta.directory.models import Department, Government, Jurisdiction, Office
from rabta.directory.services import (
    governments_load,
    jurisdictions_load,
    jurisdictions_load_result,
    office_activate,
    office_create,
    office_deactivate,
    office_move,
)

pytestmark = pytest.mark.django_db

HEADER = "code,kind,name,name_ur,parent_code\n"


def write(tmp_path, text):
    path = tmp_path / "j.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_creates_every_row_then_is_idempotent():
    first = jurisdictions_load_result()
    assert first.created == 216 and first.updated == 0
    assert Jurisdiction.objects.filter(kind="district").count() == 170
    assert Jurisdiction.objects.get(code="PK-PB-LHR").parent.code == "PK-PB-DV-LHR"
    events = Event.objects.filter(kind="directory.jurisdictions_loaded").count()

    assert jurisdictions_load() == 0
    second = jurisdictions_load_result()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 216)
    assert Event.objects.filter(kind="directory.jurisdictions_loaded").count() == events == 1


def test_loader_updates_changed_rows(tmp_path):
    jurisdictions_load(write(tmp_path, HEADER + "PK,country,Pakistan,,\nPK-PB,province,Panjab,,PK\n"))
    result = jurisdictions_load_result(
        write(tmp_path, HEADER + "PK,country,Pakistan,,\nPK-PB,province,Punjab,پنجاب,PK\n")
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Jurisdiction.objects.get(code="PK-PB").name_ur == "پنجاب"


@pytest.mark.parametrize(
    ("body", "column", "code"),
    [
        ("PK,country,Pakistan,,\nPK-XX,state,Nowhere,,PK\n", "kind", "invalid_choice"),
        ("PK,country,Pakistan,,\nPK-XX,province,Nowhere,,PK-ZZ\n", "parent_code", "unknown_parent"),
        ("PK,country,Pakistan,,\nPK-XX,province,,,PK\n", "name", "required"),
        ("PK,country,Pakistan,,\nPK,province,Again,,PK\n", "code", "duplicate_code"),
        ("PK,country,Pakistan,,\npk-xx,province,Lower,,PK\n", "code", "invalid_code"),
    ],
)
def test_a_bad_row_names_row_and_column_and_writes_nothing(tmp_path, body, column, code):
    with pytest.raises(DomainError) as caught:
        jurisdictions_load(write(tmp_path, HEADER + body))
    assert caught.value.code == code
    assert "row 3" in caught.value.message and f"column {column}" in caught.value.message
    assert column in caught.value.fields
    assert not Jurisdiction.objects.exists()


def test_a_missing_column_or_file_is_refused(tmp_path):
    with pytest.raises(DomainError) as caught:
        jurisdictions_load(write(tmp_path, "code,kind,name\nPK,country,Pakistan\n"))
    assert caught.value.code == "missing_column" and "name_ur" in caught.value.message
    with pytest.raises(DomainError) as caught:
        jurisdictions_load(tmp_path / "absent.csv")
    assert caught.value.code == "file_not_found"


def test_governments_load_is_idempotent():
    jurisdictions_load()
    first = governments_load()
    assert Government.objects.count() == 8
    assert Department.objects.get(code="FED-CUS").is_customs
    assert first.created == 8 + Department.objects.count()
    assert governments_load().changed == 0


def test_office_move_rewrites_the_subtree(world):
    # given a tehsil office below Lahore's district office, moved with it under Sindh's head office
    tehsil = office_create(
        department=world.lg_punjab,
        code="PB-LG-LHR-T1",
        name="Tehsil",
        level=OfficeLevel.TEHSIL,
        jurisdiction=world.lahore,
        parent=world.office_a,
    )
    office_move(office=world.office_a, new_parent=world.head_b)
    world.office_a.refresh_from_db()
    tehsil.refresh_from_db()
    assert world.office_a.parent == world.head_b
    assert world.office_a.path == f"{world.head_b.path}{world.office_a.pk}/"
    assert tehsil.path == f"{world.office_a.path}{tehsil.pk}/"
    assert (world.office_a.depth, tehsil.depth) == (1, 2)
    assert [o.pk for o in tehsil.reporting_line()] == [world.office_a.pk, world.head_b.pk]
    assert Event.objects.filter(kind="directory.office_moved", subject_id=str(world.office_a.pk)).exists()

    # and back to the top: it becomes a head office of its own
    office_move(office=world.office_a, new_parent=None)
    tehsil.refresh_from_db()
    assert tehsil.path == f"/{world.office_a.pk}/{tehsil.pk}/" and tehsil.depth == 1


def test_office_move_refuses_a_cycle(world):
    for target in (world.office_a, world.head_a):
        with pytest.raises(DomainError) as caught:
            office_move(office=world.head_a, new_parent=target)
        assert caught.value.code == "office_move_cycle"
        assert "parent" in caught.value.fields
    world.head_a.refresh_from_db()
    assert world.head_a.parent is None and world.head_a.path == f"/{world.head_a.pk}/"


def test_office_deactivate_refuses_while_active_children_report_to_it(world):
    with pytest.raises(InvalidTransition) as caught:
        office_deactivate(office=world.head_a)
    assert caught.value.code == "office_has_active_children"
    office_deactivate(office=world.office_a, reason="merged")
    office_deactivate(office=world.head_a)
    assert not Office.objects.filter(pk__in=[world.head_a.pk, world.office_a.pk], is_active=True).exists()
    with pytest.raises(InvalidTransition):
        office_deactivate(office=world.office_a)


def test_office_create_rejects_a_duplicate_code(world):
    with pytest.raises(DomainError) as caught:
        office_create(
            department=world.lg_punjab,
            code=world.office_a.code,
            name="Copy",
            level=OfficeLevel.DISTRICT,
            jurisdiction=world.lahore,
            parent=world.head_a,
        )
    assert "code" in caught.value.fields


def test_office_activate_needs_an_active_parent(world):
    office_deactivate(office=world.office_a)
    office_deactivate(office=world.head_a)
    with pytest.raises(InvalidTransition) as caught:
        office_activate(office=world.office_a)
    assert caught.value.code == "office_parent_inactive"
    office_activate(office=world.head_a)
    office_activate(office=world.office_a)
    world.office_a.refresh_from_db()
    assert world.office_a.is_active
    with pytest.raises(InvalidTransition):
        office_activate(office=world.office_a)
