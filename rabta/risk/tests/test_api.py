"""The risk API as analysts, customs staff and traders use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rabta.api.testing.matrix import signed_in
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input
from rabta.risk.choices import WatchListKind
from rabta.risk.services.rules import RuleInput, rule_create, watchlist_save

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    """A client signed in as ``user``, its second factor verified (staff need one)."""
    return signed_in(user, Client())


def test_an_analyst_saves_a_rule_and_a_bad_one_is_refused_with_its_position(analyst):
    client = client_for(analyst)
    ok = client.post(
        "/api/risk/rules",
        {"name": "Cheap TVs", "condition": 'hs4 == "8528" and value_per_kg < 100', "lane": "red"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["author"] == "Risk Analyst"
    bad = client.post(
        "/api/risk/rules",
        {"name": "Typo", "condition": 'orign == "CN"', "lane": "red"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    problem = bad.json()["fields"]["condition"][0]
    assert (problem["code"], problem["line"], problem["column"]) == ("rule_unknown_field", "1", "1")
    assert [rule["name"] for rule in client.get("/api/risk/rules").json()] == ["Cheap TVs"]


def test_customs_staff_read_why_a_declaration_has_its_lane_and_the_trader_does_not(
    world, analyst, trader, customs_manager
):
    watchlist_save(actor=analyst, name="watched", kind=WatchListKind.PARTY, entries=[TRADER_NTN])
    rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(
            name="Watched importer",
            condition='importer in watchlist("watched")',
            lane="red",
            valid_from=dt.date(2026, 1, 1),
        ),
    )
    declaration = declaration_file(data=declaration_input(), actor=trader).declaration
    path = f"/api/customs/declarations/{declaration.number}"

    staff = client_for(customs_manager).get(path).json()
    assert staff["lane"] == "red" and staff["lane_decision"]["source"] == "rule"
    assert staff["lane_decision"]["rules_hit"][0]["name"] == "Watched importer"
    decisions = client_for(customs_manager).get(f"/api/risk/declarations/{declaration.number}/decisions")
    assert decisions.status_code == 200 and "Watched importer" in decisions.json()[0]["reason"]
    staff_timeline = client_for(customs_manager).get(f"{path}/timeline").json()
    assert "Watched importer" in staff_timeline[-1]["reason"]

    own = client_for(trader).get(path).json()
    assert own["lane"] == "red" and own["lane_decision"] is None
    assert all("Watched" not in row["reason"] for row in client_for(trader).get(f"{path}/timeline").json())
    assert client_for(trader).get(f"/api/risk/declarations/{declaration.number}/decisions").status_code == 404


def test_an_analyst_back_tests_a_condition_over_a_period(world, analyst):
    declaration_file(data=declaration_input(), actor=None)
    response = client_for(analyst).post(
        "/api/risk/rules/backtest",
        {"condition": 'origin == "CN"', "start": "2026-11-01", "end": "2026-11-30"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "declarations": 1,
        "matched": 1,
        "would_select": 1,
        "examined": 0,
        "hits": 0,
        "hit_rate": None,
    }


def test_value_findings_reach_staff_with_the_decision_and_never_the_trader(world, trader, customs_manager):
    from decimal import Decimal

    from rabta.customs.tests.conftest import item
    from rabta.risk.tests.valuation.conftest import FAIR_USD, History
    from rabta.risk.valuation import value_bands_rebuild

    history = History(world, None)
    history.importer = declaration_file(data=declaration_input(number="VAL-HIST-0"), actor=trader).declaration.importer
    history.honest(30)
    value_bands_rebuild(actor=None, as_of=dt.date(2026, 11, 30))
    cheap = [item(customs_value=Decimal(str(FAIR_USD / 5 * 100)))]
    declaration = declaration_file(data=declaration_input(number="VAL-1", items=cheap), actor=trader).declaration
    path = f"/api/customs/declarations/{declaration.number}"

    decisions = client_for(customs_manager).get(f"/api/risk/declarations/{declaration.number}/decisions").json()
    assert decisions[0]["source"] == "value" and decisions[0]["value_findings"][0]["lane"] == "yellow"
    assert "Suggested value" in client_for(customs_manager).get(f"{path}/timeline").json()[-1]["reason"]
    own = client_for(trader).get(path).json()
    assert own["lane"] == "yellow" and own["lane_decision"] is None
    assert all("Suggested" not in row["reason"] for row in client_for(trader).get(f"{path}/timeline").json())


def test_an_analysts_rule_is_a_draft_until_back_tested_on_record_then_activated(world, analyst):
    declaration_file(data=declaration_input(), actor=None)
    client = client_for(analyst)
    saved = client.post(
        "/api/risk/rules",
        {"name": "Chinese goods", "condition": 'origin == "CN"', "lane": "yellow"},
        content_type="application/json",
    ).json()
    assert saved["status"] == "draft"
    early = client.post("/api/risk/rules/activate", {"rule": saved["id"]}, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "rule_not_backtested"
    bad = client.post(
        "/api/risk/rules/backtests",
        {"rule": saved["id"], "start": "2026-11-30", "end": "2026-11-01"},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and "end" in bad.json()["fields"]
    record = client.post(
        "/api/risk/rules/backtests",
        {"rule": saved["id"], "start": "2026-11-01", "end": "2026-11-30"},
        content_type="application/json",
    )
    assert record.status_code == 201
    assert record.json()["rule"] == saved["id"] and record.json()["results"]["matched"] == 1
    active = client.post("/api/risk/rules/activate", {"rule": saved["id"]}, content_type="application/json")
    assert active.status_code == 200 and active.json()["status"] == "active"
    again = client.post("/api/risk/rules/activate", {"rule": saved["id"]}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "rule_not_draft"
