"""Customs complaints tied to goods declarations: the number and collectorate a customs complaint
gives are checked against the declarations (rabta.customs.selectors.declaration_for_complaint), a
trader against their own, and the complaint keeps a link to the declaration it names."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Complaint
from rabta.complaints.tests.conftest import GD_NUMBER
from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.customs.tests.conftest import OTHER_NTN, TRADER_NTN, give_ntn
from rabta.directory.choices import OfficeLevel
from rabta.directory.models import Office
from rabta.directory.services import office_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def customs_complaint(submit, categories, declaration):
    def make(**overrides):
        values = {
            "category_code": "CUS-DELAY",
            "jurisdiction_code": "PK-SD-KHI",
            "subject": "Goods held at the port",
            "text": "Held for ten days without a reason.",
            "attributes": {"gd_number": GD_NUMBER},
            "collectorate_code": "FED-CUS-APP-KHI",
        }
        return submit(**{**values, **overrides})

    return make


def refusal(make, **overrides) -> dict:
    complaints, events = Complaint.objects.count(), Event.objects.filter(kind__startswith="complaints.").count()
    with pytest.raises(DomainError) as caught:
        make(**overrides)
    assert Complaint.objects.count() == complaints
    assert Event.objects.filter(kind__startswith="complaints.").count() == events
    return caught.value.fields


@pytest.fixture
def trader(db):
    user = make_user("trader@example.pk", "Bilal Traders", (Role.COMPLAINANT, None, None), complainant_type="business")
    give_ntn(user, TRADER_NTN)
    return user


@pytest.fixture
def another_collectorate(world):
    return office_create(
        department=world.customs,
        code="FED-CUS-PQ",
        name="Collectorate of Customs, Port Qasim",
        level=OfficeLevel.COLLECTORATE,
        jurisdiction=world.karachi,
        parent=world.customs_hq,
    )


def test_a_customs_complaint_links_to_the_declaration_it_names(customs_complaint, declaration, world):
    complaint = customs_complaint()
    assert complaint.declaration == declaration
    assert complaint.declaration_number == declaration.number
    assert complaint.current_office == world.collectorate


def test_a_complaint_that_names_no_collectorate_goes_to_the_declarations(customs_complaint, declaration, world):
    complaint = customs_complaint(collectorate_code=None)
    assert complaint.declaration == declaration
    assert complaint.collectorate == world.collectorate == complaint.current_office
    assert complaint.routing_reason == "collectorate named in the complaint"


def test_the_number_may_come_in_the_declaration_field_and_in_any_case(customs_complaint, declaration):
    complaint = customs_complaint(attributes={"gd_number": GD_NUMBER.lower()}, declaration_number=GD_NUMBER.lower())
    assert complaint.declaration == declaration
    assert complaint.declaration_number == GD_NUMBER


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"attributes": {"gd_number": "KAPE-HC-99999-01012026"}}, "attributes.gd_number"),
        (
            {"declaration_number": "KAPE-HC-99999-01012026", "attributes": {"gd_number": "KAPE-HC-99999-01012026"}},
            "declaration_number",
        ),
    ],
)
def test_a_number_no_declaration_has_is_refused_naming_its_field(customs_complaint, overrides, field):
    fields = refusal(customs_complaint, **overrides)
    assert fields[field][0]["code"] == "declaration_unknown"


def test_a_declaration_of_another_collectorate_is_refused(customs_complaint, another_collectorate):
    fields = refusal(customs_complaint, collectorate_code=another_collectorate.code)
    assert fields["attributes.gd_number"][0]["code"] == "declaration_other_collectorate"


def test_two_different_numbers_are_refused(customs_complaint):
    fields = refusal(customs_complaint, declaration_number="KAPE-HC-99999-01012026")
    assert fields["attributes.gd_number"][0]["code"] == "declaration_numbers_differ"


def test_a_trader_complains_only_about_their_own_declarations(customs_complaint, declaration, trader, db):
    assert customs_complaint(complainant=trader).declaration == declaration
    stranger = make_user("s@example.pk", "Sadia Imports", (Role.COMPLAINANT, None, None), complainant_type="business")
    give_ntn(stranger, OTHER_NTN)
    fields = refusal(customs_complaint, complainant=stranger)
    assert fields["attributes.gd_number"][0]["code"] == "declaration_not_yours"
    # Said before the collectorate is compared: nothing of another importer's declaration leaks.
    unverified = make_user("u@example.pk", "Claimed NTN", (Role.COMPLAINANT, None, None), complainant_type="business")
    give_ntn(unverified, TRADER_NTN, verified=False)
    fields = refusal(customs_complaint, complainant=unverified, collectorate_code="FED-CUS-NOPE")
    assert fields["collectorate"][0]["code"] == "collectorate_unknown"
    fields = refusal(customs_complaint, complainant=unverified)
    assert fields["attributes.gd_number"][0]["code"] == "declaration_not_yours"


def test_a_citizen_who_is_not_a_trader_may_complain_about_any_declaration(customs_complaint, declaration, citizen):
    assert customs_complaint(complainant=citizen).declaration == declaration


@pytest.mark.parametrize("anonymity", [Anonymity.FULLY_ANONYMOUS, Anonymity.IDENTITY_HIDDEN_FROM_OFFICE])
def test_anonymous_and_hidden_complaints_are_checked_and_linked_too(customs_complaint, declaration, anonymity):
    complaint = customs_complaint(anonymity=anonymity)
    assert complaint.declaration == declaration
    fields = refusal(customs_complaint, anonymity=anonymity, attributes={"gd_number": "KAPE-HC-99999-01012026"})
    assert fields["attributes.gd_number"][0]["code"] == "declaration_unknown"


def test_a_named_inactive_collectorate_is_refused_with_its_own_code(customs_complaint, world):
    Office.objects.filter(pk=world.collectorate.pk).update(is_active=False)
    fields = refusal(customs_complaint)
    assert fields["collectorate"][0]["code"] == "collectorate_inactive"


def test_a_declaration_whose_collectorate_is_inactive_is_refused_not_left_unrouted(customs_complaint, world):
    Office.objects.filter(pk=world.collectorate.pk).update(is_active=False)
    fields = refusal(customs_complaint, collectorate_code=None)
    assert fields["collectorate"][0]["code"] == "collectorate_inactive"


def test_a_customs_category_without_a_number_is_not_linked(submit, categories, world):
    categories.customs.attributes = []
    categories.customs.save()
    complaint = submit(
        category_code="CUS-DELAY", jurisdiction_code="PK-SD-KHI", collectorate_code=world.collectorate.code
    )
    assert complaint.declaration is None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.from_regex(r"[A-Z0-9][A-Z0-9\-/]{5,39}", fullmatch=True))
def test_any_well_formed_number_that_is_no_declaration_is_refused(customs_complaint, number):
    if number.upper() == GD_NUMBER:
        return
    fields = refusal(customs_complaint, attributes={"gd_number": number})
    assert fields["attributes.gd_number"][0]["code"] == "declaration_unknown"
