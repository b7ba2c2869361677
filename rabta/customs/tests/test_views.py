"""The customs staff pages: the declarations in scope (filters, pages) and one declaration with its
facts, lane and why, trail, complaints and the officer's moves as forms calling the services."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from rabta.api.testing.matrix import signed_in
from rabta.complaints.services.intake import complaint_submit
from rabta.complaints.tests import conftest as complaints_conftest
from rabta.customs.choices import Status
from rabta.customs.models import Declaration
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input

pytestmark = pytest.mark.django_db

categories = complaints_conftest.categories
LIST = "/en/customs/declarations/"


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations", verbosity=0)


def page(number: str, lang: str = "en") -> str:
    return f"/{lang}/customs/declarations/{number}/"


def test_the_list_shows_the_declarations_in_scope_with_filters(filed, customs_manager, other_manager):
    body = signed_in(customs_manager).get(LIST).content.decode()
    assert filed.number in body and "1 declaration" in body
    assert filed.number not in signed_in(other_manager).get(LIST).content.decode()
    released = signed_in(customs_manager).get(LIST, {"status": "released"}).content.decode()
    assert filed.number not in released and "No declaration matches." in released
    assert filed.number in signed_in(customs_manager).get(LIST, {"status": "lane_assigned"}).content.decode()


@pytest.mark.parametrize(("query", "field"), [({"status": "lost"}, "status"), ({"page": "-3"}, "page")])
def test_a_bad_filter_is_a_400_naming_it(filed, customs_manager, query, field):
    response = signed_in(customs_manager).get(LIST, query)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode() or field == "page"


def test_the_list_is_paged(world, customs_manager):
    for n in range(30):
        declaration_file(data=declaration_input(number=f"PAGED-{n:03d}"), actor=None)
    first = signed_in(customs_manager).get(LIST).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = signed_in(customs_manager).get(LIST, {"page": 2}).content.decode()
    assert second.count(">PAGED-") == 5  # 30 declarations, 25 a page


@pytest.mark.parametrize("who", ["trader", "citizen", "officer_a"])
def test_the_pages_do_not_exist_for_others(filed, request, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 404
    assert client.get(page(filed.number)).status_code == 404


def test_outside_scope_a_declaration_is_not_found(filed, other_manager):
    assert signed_in(other_manager).get(page(filed.number)).status_code == 404


def test_the_declaration_page_shows_facts_masked_parties_lane_and_trail(filed, customs_manager):
    body = signed_in(customs_manager).get(page(filed.number)).content.decode()
    assert "LED television sets, 43 inch" in body and "85287200" in body
    assert "****" + TRADER_NTN[-4:] in body and TRADER_NTN not in body  # the NTN masked
    assert "the configured default lane" in body
    assert "Lane assigned" in body  # the trail
    assert 'name="move" value="documents"' in body and 'name="move" value="lane"' in body
    assert 'value="examination"' not in body  # an examining officer's move, not the manager's


def test_a_move_calls_the_service_and_a_refused_one_says_why(filed, customs_manager, examiner):
    client = signed_in(customs_manager)
    done = client.post(page(filed.number), {"move": "documents", "reason": "Invoice matches."})
    assert done.status_code == 302
    assert Declaration.objects.get(pk=filed.pk).status == Status.DOCUMENTS_CHECKED
    refused = client.post(page(filed.number), {"move": "payment", "amount": "1"})
    assert refused.status_code == 409 and Declaration.objects.get(pk=filed.pk).status == Status.DOCUMENTS_CHECKED
    forged = client.post(page(filed.number), {"move": "examination", "outcome": "no_discrepancy"})
    assert forged.status_code == 403
    exam = signed_in(examiner).post(
        page(filed.number),
        {"move": "examination", "outcome": "discrepancy", "discrepancy_type": "", "extra_duty": "10"},
    )
    assert exam.status_code == 400 and "Give the type of the discrepancy." in exam.content.decode()
    assert Declaration.objects.get(pk=filed.pk).status == Status.DOCUMENTS_CHECKED


def test_an_unknown_move_is_not_found(filed, customs_manager):
    assert signed_in(customs_manager).post(page(filed.number), {"move": "bribe"}).status_code == 404


def test_the_complaints_about_it_are_listed_in_urdu_too(categories, filed, customs_manager, citizen):
    complaint = complaint_submit(
        complainant=citizen,
        category_code="CUS-DELAY",
        jurisdiction_code="PK-SD-KHI",
        subject="Held",
        text="Held for ten days.",
        attributes={"gd_number": filed.number},
    ).complaint
    body = signed_in(customs_manager).get(page(filed.number, "ur")).content.decode()
    assert complaint.tracking_number in body
    assert f"/complaints/office/{complaint.tracking_number}/" not in body  # not a page a customs manager has
    assert "اس ڈیکلریشن کے بارے میں شکایات" in body and 'dir="rtl"' in body
    assert citizen.full_name not in body
