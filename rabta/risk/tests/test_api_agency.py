"""The border agencies' API as their officers, customs staff and traders use it: an agency sees only
its own rules, selections and the declarations under its codes (everything else is 404); customs
sees the agencies' outcomes beside the lane, never their rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from rabta.api.testing.matrix import signed_in
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import declaration_input, item
from rabta.risk.models_agency import AgencySelection
from rabta.risk.services.rules import RuleInput, rule_create

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return signed_in(user, Client())


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def rice(**overrides):
    values = {"tariff_code": "10063010", "description": "Basmati rice", "origin_country": "IN", "unit": "KGM"}
    return item(**{**values, **overrides})


def file(number, items):
    return declaration_file(data=declaration_input(number=number, items=items), actor=None).declaration


def test_an_agency_officer_writes_back_tests_and_lists_its_rules(world, ppd, ppd_officer):
    client = client_for(ppd_officer)
    saved = post(
        client, "/api/risk/agency/rules", {"name": "Indian rice", "condition": 'origin == "IN"', "outcome": "hold"}
    )
    assert saved.status_code == 201 and saved.json()["agency"] == "ppd"
    bad = post(client, "/api/risk/agency/rules", {"name": "Typo", "condition": 'orign == "IN"', "outcome": "hold"})
    assert bad.status_code == 400 and bad.json()["fields"]["condition"][0]["code"] == "rule_unknown_field"
    file("OGA-1", [rice()])
    backtest = post(
        client,
        "/api/risk/agency/rules/backtest",
        {"condition": 'origin == "IN"', "start": "2026-01-01", "end": "2026-12-31"},
    )
    assert backtest.status_code == 200 and backtest.json()["matched"] == 1
    assert [r["name"] for r in client.get("/api/risk/agency/rules").json()] == ["Indian rice"]
    retired = post(client, "/api/risk/agency/rules/retire", {"rule": saved.json()["id"]})
    assert retired.json()["status"] == "retired"


def test_an_agency_sees_its_selections_and_records_their_results(world, ppd, ppd_officer):
    client = client_for(ppd_officer)
    post(
        client,
        "/api/risk/agency/rules",
        {"name": "Indian rice", "condition": 'origin == "IN"', "outcome": "lab_test", "valid_from": "2026-01-01"},
    )
    file("OGA-1", [item(), rice(item_number=2)])
    (selection,) = client.get("/api/risk/agency/selections").json()
    assert (selection["declaration"], selection["outcome"], selection["items"]) == ("OGA-1", "lab_test", [2])
    assert client.get("/api/risk/agency/selections", {"outcome": "hold"}).json() == []
    done = post(client, "/api/risk/agency/selections/result", {"selection": selection["id"], "result": "cleared"})
    assert done.status_code == 200 and done.json()["result"] == "cleared"
    again = post(client, "/api/risk/agency/selections/result", {"selection": selection["id"], "result": "refused"})
    assert again.status_code == 409
    declaration = client.get("/api/risk/agency/declarations/OGA-1").json()
    assert [i["item_number"] for i in declaration["items"]] == [2]  # the television is not PPD's


def test_declarations_and_selections_outside_an_agency_are_404(world, ppd, drap, ppd_officer, drap_officer):
    post(
        client_for(ppd_officer),
        "/api/risk/agency/rules",
        {"name": "Rice", "condition": 'hs4 == "1006"', "outcome": "hold", "valid_from": "2026-01-01"},
    )
    file("OGA-1", [rice()])
    file("OGA-2", [item()])  # televisions: no agency's
    selection = AgencySelection.objects.get()
    drap_client, ppd_client = client_for(drap_officer), client_for(ppd_officer)
    assert ppd_client.get("/api/risk/agency/declarations/OGA-2").status_code == 404
    assert drap_client.get("/api/risk/agency/declarations/OGA-1").status_code == 404
    assert drap_client.get("/api/risk/agency/selections").json() == []
    refused = post(drap_client, "/api/risk/agency/selections/result", {"selection": selection.pk, "result": "cleared"})
    assert refused.status_code == 404
    rule_id = ppd_client.get("/api/risk/agency/rules").json()[0]["id"]
    assert post(drap_client, "/api/risk/agency/rules/retire", {"rule": rule_id}).status_code == 404
    # An officer of DRAP names PPD: no such agency of theirs.
    assert drap_client.get("/api/risk/agency/rules", {"agency": "ppd"}).status_code == 404
    # Customs' own lane decisions are not the agency's to read.
    assert ppd_client.get("/api/risk/declarations/OGA-1/decisions").status_code == 404
    assert ppd_client.get("/api/risk/declarations/OGA-1/agencies").status_code == 404


def test_customs_rules_are_invisible_to_an_agency(world, analyst, ppd, ppd_officer):
    rule_create(
        actor=analyst,
        data=RuleInput(name="Secret", condition='origin == "IN"', lane="red", valid_from=dt.date(2026, 1, 1)),
    )
    client = client_for(ppd_officer)
    assert client.get("/api/risk/rules").json() == []
    assert client.get("/api/risk/watchlists").json() == []
    assert post(client, "/api/risk/rules/retire", {"rule": 1}).status_code == 404
    assert client.get("/api/risk/agency/rules").json() == []
    assert [a["code"] for a in client.get("/api/risk/agencies").json()] == ["ppd"]


def test_customs_reads_the_agencies_outcomes_beside_the_lane_and_the_trader_does_not(
    world, ppd, ppd_officer, customs_manager, trader, analyst
):
    post(
        client_for(ppd_officer),
        "/api/risk/agency/rules",
        {"name": "Rice", "condition": "value > 0", "outcome": "hold", "valid_from": "2026-01-01"},
    )
    file("OGA-1", [rice(customs_value=Decimal(1000))])
    rows = client_for(customs_manager).get("/api/risk/declarations/OGA-1/agencies").json()
    assert [(r["agency"], r["outcome"]) for r in rows] == [("ppd", "hold")]
    assert client_for(trader).get("/api/risk/declarations/OGA-1/agencies").status_code == 404
    assert client_for(analyst).get("/api/risk/agency/rules").status_code == 404  # customs never reads them


def test_an_agency_shares_a_list_with_customs_and_the_analysts_receive_it(world, ppd, ppd_officer, analyst):
    client = client_for(ppd_officer)
    shared = post(
        client,
        "/api/risk/agency/shares",
        {"name": "khapra", "kind": "country", "entries": ["IN"], "note": "Khapra beetle."},
    )
    assert shared.status_code == 201 and shared.json()["watchlist"] == "ppd-khapra"
    assert [s["watchlist"] for s in client.get("/api/risk/agency/shares").json()] == ["ppd-khapra"]
    assert "ppd-khapra" in [w["name"] for w in client_for(analyst).get("/api/risk/watchlists").json()]
    bad = post(client, "/api/risk/agency/shares", {"name": "x", "kind": "country", "entries": ["India"]})
    assert bad.status_code == 400
