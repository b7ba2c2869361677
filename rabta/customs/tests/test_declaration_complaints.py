"""A declaration's complaints: listed on its API detail to staff who may see both the declaration
and the complaints (rabta.complaints.selectors.complaints_about_declaration), empty for anyone
else, and never with anything of who lodged them."""

from __future__ import annotations

import json

import pytest

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.api.testing.matrix import signed_in
from rabta.complaints.choices import Anonymity
from rabta.complaints.selectors import complaints_about_declaration
from rabta.complaints.services.intake import complaint_submit
from rabta.complaints.tests import conftest as complaints_conftest

pytestmark = pytest.mark.django_db

categories = complaints_conftest.categories  # the complaints tests' fixture, shared

# A complainant whose identity is hidden from the office: every spelling of it must stay out.
HIDDEN = {
    "full_name": "Zarmeena Qureshi",
    "email": "zarmeena.q@example.pk",
    "phone": "+923331234567",
}


@pytest.fixture
def hidden_complainant(db):
    user = make_user(HIDDEN["email"], HIDDEN["full_name"], (Role.COMPLAINANT, None, None))
    user.phone = HIDDEN["phone"]
    user.save(update_fields=["phone"])
    return user


def lodge(complainant, declaration, *, anonymity=Anonymity.NAME_HIDDEN_FROM_PUBLIC, subject="Goods held"):
    return complaint_submit(
        complainant=complainant,
        category_code="CUS-DELAY",
        jurisdiction_code="PK-SD-KHI",
        subject=subject,
        text=f"My consignment under {declaration.number} is held for ten days.",
        anonymity=anonymity,
        attributes={"gd_number": declaration.number},
    ).complaint


@pytest.fixture
def complaints(categories, filed, citizen, hidden_complainant):
    return [
        lodge(citizen, filed),
        lodge(hidden_complainant, filed, anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE, subject="Zarmeena: held"),
        lodge(hidden_complainant, filed, anonymity=Anonymity.FULLY_ANONYMOUS, subject="Held, no reason"),
    ]


def test_the_collectorates_manager_sees_every_complaint_about_it_anonymous_ones_included(
    complaints, filed, customs_manager, world
):
    listed = complaints_about_declaration(user=customs_manager, declaration=filed)
    assert {row.tracking_number for row in listed} == {c.tracking_number for c in complaints}
    assert {(row.status, row.category, row.office) for row in listed} == {
        ("routed", "CUS-DELAY", world.collectorate.name)
    }


@pytest.mark.parametrize("who", ["trader", "examiner", "citizen", "other_manager", "officer_a"])
def test_anyone_else_gets_none(complaints, filed, request, who):
    """The trader sees the declaration (and their own complaints on their own pages) but no list
    here; an examining officer works declarations, not complaints; others see neither."""
    assert complaints_about_declaration(user=request.getfixturevalue(who), declaration=filed) == []


def test_oversight_of_the_government_sees_both(complaints, filed, world):
    oversight = make_user("fed.oversight@gov.pk", "Federal Oversight", (Role.OVERSIGHT, None, world.federal))
    assert len(complaints_about_declaration(user=oversight, declaration=filed)) == 3


def test_the_api_detail_lists_them_to_staff_with_nothing_of_the_complainant(complaints, filed, customs_manager, trader):
    response = signed_in(customs_manager).get(f"/api/customs/declarations/{filed.number}")
    assert response.status_code == 200
    listed = response.json()["complaints"]
    assert sorted(listed, key=lambda row: row["tracking_number"]) == sorted(
        (
            {
                "tracking_number": c.tracking_number,
                "status": "routed",
                "category": "CUS-DELAY",
                "office": c.current_office.name,
            }
            for c in complaints
        ),
        key=lambda row: row["tracking_number"],
    )
    body = json.dumps(response.json(), ensure_ascii=False).casefold()
    for planted in (*HIDDEN.values(), "zarmeena", "qureshi", "3331234567", "0333-1234567"):
        assert planted.casefold() not in body
    # The importer reads the same declaration with no complaints listed.
    mine = signed_in(trader).get(f"/api/customs/declarations/{filed.number}")
    assert mine.status_code == 200 and mine.json()["complaints"] == []


def test_a_complaint_the_staff_member_cannot_see_is_not_listed(complaints, filed, customs_manager, world):
    """Transferred out of the manager's collectorates, a complaint leaves their list with their inbox."""
    from rabta.complaints.models import Complaint

    Complaint.objects.filter(pk=complaints[0].pk).update(current_office=world.office_a)
    listed = complaints_about_declaration(user=customs_manager, declaration=filed)
    assert complaints[0].tracking_number not in {row.tracking_number for row in listed}
    assert len(listed) == 2
