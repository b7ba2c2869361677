"""The border agencies' pages: their officers' selections (with the result form), rules (save,
back-test, retire) and shares; anyone else finds no agency (404). In English and Urdu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rabta.api.testing.matrix import signed_in
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import declaration_input, item
from rabta.risk.models_agency import AgencyRule, AgencySelection, AgencyShare
from rabta.risk.services.agencies import AgencyRuleInput, agency_rule_create

pytestmark = pytest.mark.django_db

PAGES = ["/en/risk/agency/", "/en/risk/agency/rules/", "/en/risk/agency/shares/"]


def client_for(user) -> Client:
    return signed_in(user, Client())


def selected(world, ppd, officer):
    agency_rule_create(
        actor=officer,
        agency=ppd,
        data=AgencyRuleInput(
            name="Rice", condition='hs4 == "1006"', outcome="lab_test", valid_from=dt.date(2026, 1, 1)
        ),
    )
    rice = item(tariff_code="10063010", description="Rice", origin_country="IN")
    declaration_file(data=declaration_input(number="OGA-1", items=[rice]), actor=None)
    return AgencySelection.objects.get()


@pytest.mark.parametrize("page", PAGES)
def test_only_an_agency_s_officers_reach_its_pages(page, ppd, ppd_officer, customs_manager, analyst, client):
    assert client_for(ppd_officer).get(page).status_code == 200
    for other in (customs_manager, analyst):
        assert client_for(other).get(page).status_code == 404
    assert client.get(page).status_code == 302  # signed out: to the sign-in page


def test_the_selections_page_lists_them_and_records_a_result(world, ppd, ppd_officer, drap_officer):
    selection = selected(world, ppd, ppd_officer)
    client = client_for(ppd_officer)
    page = client.get("/en/risk/agency/")
    assert b"OGA-1" in page.content and b"Record the result" in page.content
    url = f"/en/risk/agency/selections/{selection.pk}/result/"
    assert client_for(drap_officer).post(url, {f"s{selection.pk}-result": "cleared"}).status_code == 404
    bad = client.post(url, {f"s{selection.pk}-result": "lost"})
    assert bad.status_code == 400
    done = client.post(url, {f"s{selection.pk}-result": "refused", f"s{selection.pk}-note": "Weevils."})
    assert done.status_code == 302
    selection.refresh_from_db()
    assert selection.result == "refused" and selection.result_note == "Weevils."


def test_the_rules_page_saves_back_tests_and_retires(world, ppd, ppd_officer):
    client = client_for(ppd_officer)
    bad = client.post(
        "/en/risk/agency/rules/",
        {"action": "save", "name": "Typo", "condition": 'orign == "IN"', "outcome": "hold", "percentage": "100"},
    )
    assert bad.status_code == 400 and not AgencyRule.objects.exists()
    ok = client.post(
        "/en/risk/agency/rules/",
        {"action": "save", "name": "Indian", "condition": 'origin == "IN"', "outcome": "hold", "percentage": "100"},
    )
    assert ok.status_code == 302 and AgencyRule.objects.get().name == "Indian"
    backtest = client.post(
        "/en/risk/agency/rules/",
        {
            "action": "backtest",
            "condition": 'origin == "IN"',
            "start": "2026-01-01",
            "end": "2026-12-31",
            "percentage": "100",
        },
    )
    assert backtest.status_code == 200 and b"Back-test result" in backtest.content
    retired = client.post("/en/risk/agency/rules/", {"action": "retire", "rule": AgencyRule.objects.get().pk})
    assert retired.status_code == 302 and AgencyRule.objects.get().status == "retired"


def test_the_shares_page_shares_a_list(ppd, ppd_officer):
    client = client_for(ppd_officer)
    done = client.post(
        "/en/risk/agency/shares/", {"name": "khapra", "kind": "country", "entries": "IN\nBD\n", "note": ""}
    )
    assert done.status_code == 302
    assert AgencyShare.objects.get().watchlist.entries == ["IN", "BD"]
    assert b"ppd-khapra" in client.get("/en/risk/agency/shares/").content


def test_the_pages_speak_urdu(world, ppd, ppd_officer):
    selected(world, ppd, ppd_officer)
    client = client_for(ppd_officer)
    page = client.get("/ur/risk/agency/")
    assert page.status_code == 200 and "محکمہ تحفظ نباتات" in page.content.decode()
    assert "نتیجہ" in page.content.decode()


def test_the_declaration_page_shows_customs_the_agencies_outcomes_beside_the_lane(
    world, ppd, ppd_officer, customs_manager, trader
):
    selection = selected(world, ppd, ppd_officer)
    page = f"/en/customs/declarations/{selection.declaration.number}/"
    body = client_for(customs_manager).get(page).content.decode()
    panel = body[body.index('id="lane-panel"') :]
    assert 'id="agency-outcomes"' in panel and "Department of Plant Protection: Laboratory test" in panel
    assert "awaiting the agency" in panel
    client_for(ppd_officer).post(
        f"/en/risk/agency/selections/{selection.pk}/result/", {f"s{selection.pk}-result": "refused"}
    )
    assert "Laboratory test — Refused entry" in client_for(customs_manager).get(page).content.decode()
    # The staff page does not exist for the trader who filed it (nor does why it was selected).
    assert client_for(trader).get(page).status_code == 404


def test_the_agency_pages_are_in_an_agency_officer_s_navigation_only(ppd_officer, customs_manager):
    def links(user) -> set[str]:
        body = client_for(user).get("/en/").content.decode()
        return {url for url in PAGES if f'href="{url}"' in body}

    assert links(ppd_officer) == set(PAGES)
    assert links(customs_manager) == set()
