"""The risk pages: rules (list, write with the condition's error placed, draft -> back-test ->
activate, retire), watch lists, the audit list and its export, the live dashboard, and the
declaration page's lane panel. Each page is a 404 for anyone it is not for."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from rabta.api.testing.matrix import signed_in
from rabta.core.events import Event
from rabta.customs.choices import Outcome
from rabta.customs.models import Declaration, Examination
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input
from rabta.risk.choices import RuleStatus, WatchListKind
from rabta.risk.events import RiskEvent
from rabta.risk.models import LaneDecision, RiskRule, WatchList
from rabta.risk.services.rules import RuleInput, rule_create, watchlist_save

pytestmark = pytest.mark.django_db

RULES = "/en/risk/rules/"
NEW = "/en/risk/rules/new/"


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations", verbosity=0)


def rule_data(**overrides):
    values = {
        "name": "Cheap TVs",
        "condition": 'hs4 == "8528" and value_per_kg < 2000',
        "lane": "red",
        "percentage": "100",
        "valid_from": "2026-01-01",
    }
    return {**values, **overrides}


def test_an_analyst_writes_a_rule_saved_as_a_draft_that_selects_nothing(world, analyst):
    response = signed_in(analyst).post(NEW, rule_data())
    rule = RiskRule.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/risk/rules/{rule.pk}/")
    assert rule.status == RuleStatus.DRAFT and rule.author == analyst
    body = signed_in(analyst).get(RULES).content.decode()
    assert "Cheap TVs" in body and "Draft" in body
    declaration = declaration_file(data=declaration_input(number="DRAFT-1"), actor=None).declaration
    assert declaration.lane == "green"  # a draft never selects
    assert all(not d.rules_hit for d in LaneDecision.objects.filter(declaration=declaration))


@pytest.mark.parametrize(
    ("condition", "line", "column"),
    [('(hs4 == "8528" and\n  colour == "red")', 2, 3), ('origin == "CN" and destination == "AF"', 1, 20)],
)
def test_a_condition_in_error_is_refused_with_its_line_and_column(world, analyst, condition, line, column):
    response = signed_in(analyst).post(NEW, rule_data(condition=condition))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="condition-position"' in body and f"line {line}, column {column}" in body
    assert 'href="#id_condition"' in body  # the summary links to the field named
    assert not RiskRule.objects.exists()


def test_draft_backtest_then_activate_with_events(world, analyst, trader):
    rule = rule_create(
        actor=analyst, data=RuleInput(name="CN", condition='origin == "CN"', lane="red", valid_from=dt.date(2026, 1, 1))
    )
    page = f"/en/risk/rules/{rule.pk}/"
    client = signed_in(analyst)
    refused = client.post(page, {"move": "activate"})
    assert refused.status_code == 409 and "Back-test the rule" in refused.content.decode()
    assert RiskRule.objects.get(pk=rule.pk).status == RuleStatus.DRAFT
    past = declaration_file(data=declaration_input(number="PAST-1"), actor=None).declaration
    Examination.objects.create(
        declaration=past, outcome=Outcome.DISCREPANCY, discrepancy_type="undervaluation", extra_duty=10
    )
    assert client.post(page, {"move": "backtest", "start": "2026-11-01", "end": "2026-11-30"}).status_code == 302
    body = client.get(page).content.decode()
    assert 'id="backtests"' in body and "100 %" in body  # matched 1, examined 1, one hit
    assert client.post(page, {"move": "activate"}).status_code == 302
    assert RiskRule.objects.get(pk=rule.pk).status == RuleStatus.ACTIVE
    kinds = list(Event.objects.for_subject(rule).order_by("id").values_list("kind", flat=True))
    assert kinds == [RiskEvent.RULE_CREATED, RiskEvent.RULE_BACKTESTED, RiskEvent.RULE_ACTIVATED]
    assert declaration_file(data=declaration_input(number="AFTER-1"), actor=None).declaration.lane == "red"
    again = client.post(page, {"move": "activate"})
    assert again.status_code == 409


def test_a_bad_backtest_period_is_named(world, analyst):
    rule = rule_create(actor=analyst, data=RuleInput(name="CN", condition='origin == "CN"', lane="red"))
    response = signed_in(analyst).post(
        f"/en/risk/rules/{rule.pk}/", {"move": "backtest", "start": "2026-11-30", "end": "2026-01-01"}
    )
    assert response.status_code == 400 and 'href="#id_end"' in response.content.decode()


def test_retire_with_a_reason(world, analyst):
    rule = rule_create(actor=analyst, data=RuleInput(name="CN", condition='origin == "CN"', lane="red"))
    client = signed_in(analyst)
    assert client.post(f"/en/risk/rules/{rule.pk}/", {"move": "retire", "reason": ""}).status_code == 400
    assert client.post(f"/en/risk/rules/{rule.pk}/", {"move": "retire", "reason": "Superseded."}).status_code == 302
    assert RiskRule.objects.get(pk=rule.pk).status == RuleStatus.RETIRED
    assert Event.objects.for_subject(rule).filter(kind=RiskEvent.RULE_RETIRED, reason="Superseded.").exists()


def test_watch_lists_are_created_and_entries_added_and_removed(world, analyst):
    client = signed_in(analyst)
    made = client.post(
        "/en/risk/watchlists/", {"name": "bad-origins", "kind": WatchListKind.COUNTRY, "entries": "af\nIR\n"}
    )
    watchlist = WatchList.objects.get(name="bad-origins")
    assert made.status_code == 302 and watchlist.entries == ["AF", "IR"]
    page = f"/en/risk/watchlists/{watchlist.pk}/"
    assert "bad-origins" in client.get("/en/risk/watchlists/").content.decode()
    bad = client.post(page, {"add": "XYZ", "description": ""})
    assert bad.status_code == 400 and WatchList.objects.get(pk=watchlist.pk).entries == ["AF", "IR"]
    assert client.post(page, {"add": "KP\nAF", "remove": ["1"], "description": "Sanctions"}).status_code == 302
    watchlist.refresh_from_db()
    assert (watchlist.entries, watchlist.description) == (["AF", "KP"], "Sanctions")


def test_a_party_list_shows_masked_identifiers_only(world, analyst):
    watchlist = watchlist_save(actor=analyst, name="watched", kind=WatchListKind.PARTY, entries=[TRADER_NTN])
    body = signed_in(analyst).get(f"/en/risk/watchlists/{watchlist.pk}/").content.decode()
    assert "****" + TRADER_NTN[-4:] in body and TRADER_NTN not in body


def test_the_dashboard_and_its_live_json(world, analyst):
    declaration_file(data=declaration_input(number="DASH-1"), actor=None)
    client = signed_in(analyst)
    page = client.get("/en/risk/dashboard/")
    body = page.content.decode()
    assert (
        page.status_code == 200
        and "Drift signals" in body
        and 'data-live-url="/en/risk/dashboard/live/?days=30"' in body
    )
    live = client.get("/en/risk/dashboard/live/?days=30")
    data = json.loads(live.content)
    assert data["totals"]["decided"] == 1 and data["lanes"][0]["lane"] == "green"
    assert client.get("/en/risk/dashboard/live/?days=30", HTTP_IF_NONE_MATCH=live["ETag"]).status_code == 304


def test_the_audit_page_and_export(world, analyst):
    assert signed_in(analyst).get("/en/risk/audit/").status_code == 200
    export = signed_in(analyst).get("/en/risk/audit/export/?format=csv")
    assert export.status_code == 200 and b"Audit score" in b"".join(export.streaming_content)
    assert signed_in(analyst).get("/en/risk/audit/export/?format=pdf").status_code == 400


@pytest.mark.parametrize("who", ["trader", "customs_manager", "examiner", "citizen"])
def test_the_analysts_pages_do_not_exist_for_others(world, analyst, request, who):
    rule = rule_create(actor=analyst, data=RuleInput(name="CN", condition='origin == "CN"', lane="red"))
    watchlist = watchlist_save(actor=analyst, name="w", kind=WatchListKind.COUNTRY, entries=["AF"])
    client = signed_in(request.getfixturevalue(who))
    for url in (
        RULES,
        NEW,
        f"/en/risk/rules/{rule.pk}/",
        "/en/risk/watchlists/",
        f"/en/risk/watchlists/{watchlist.pk}/",
        "/en/risk/dashboard/",
        "/en/risk/dashboard/live/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/en/risk/rules/{rule.pk}/", {"move": "activate"}).status_code == 404
    assert RiskRule.objects.get(pk=rule.pk).status == RuleStatus.DRAFT


def test_an_unknown_rule_is_not_found(world, analyst):
    assert signed_in(analyst).get("/en/risk/rules/99999/").status_code == 404


def test_the_declaration_page_shows_the_lane_panel_to_staff_and_reroutes_from_it(world, filed, customs_manager):
    client = signed_in(customs_manager)
    body = client.get(f"/en/customs/declarations/{filed.number}/").content.decode()
    assert 'id="lane-panel"' in body and "no active model" in body
    assert body.index('id="lane-panel"') < body.index('id="move-lane"')  # the re-route is in the panel
    done = client.post(
        f"/en/customs/declarations/{filed.number}/", {"move": "lane", "lane": "yellow", "reason": "Tip-off."}
    )
    assert done.status_code == 302
    assert Declaration.objects.get(pk=filed.pk).lane == "yellow"
    latest = LaneDecision.objects.filter(declaration=filed).order_by("-pk").first()
    assert (latest.source, latest.actor, latest.reason) == ("officer", customs_manager, "Tip-off.")
    assert "Officer re-route" in client.get(f"/en/customs/declarations/{filed.number}/").content.decode()


def test_the_lane_panel_is_not_for_a_reader_who_may_not_know_why(world, filed, trader, customs_manager, rf):
    from rabta.risk import views

    request = rf.get("/")
    request.user = trader
    assert views.lane_panel(request, filed) is None
    request.user = customs_manager
    assert views.lane_panel(request, filed)["lane"] == filed.lane


def _mirror(declaration):
    from decimal import Decimal

    from rabta.risk.services.outside import OutsideFindingIn, outside_findings_record

    outside_findings_record(
        actor=None,
        source="mirror",
        findings=[
            OutsideFindingIn(
                source_key="exchange.mirror:1",
                basis="shipment",
                declaration_id=declaration.pk,
                partner_country="CN",
                reference=declaration.number,
                month=dt.date(2026, 11, 1),
                currency="USD",
                declared_value=Decimal("2500000"),
                outside_value=Decimal("4000000"),
                tolerance_percent=Decimal("10"),
            ),
            OutsideFindingIn(
                source_key="exchange.mirror:2",
                basis="period",
                partner_country="CN",
                hs6="851713",
                month=dt.date(2026, 10, 1),
                currency="USD",
                declared_value=Decimal("100"),
                outside_value=Decimal("900"),
                tolerance_percent=Decimal("10"),
            ),
        ],
    )


def test_the_declaration_page_shows_its_mirror_findings_to_staff_not_to_the_trader(
    world, filed, customs_manager, trader
):
    _mirror(filed)
    body = signed_in(customs_manager).get(f"/en/customs/declarations/{filed.number}/").content.decode()
    assert 'id="outside-findings"' in body and "37.5% below" in body
    assert "37.5% below" not in signed_in(trader).get(f"/en/customs/declarations/{filed.number}/").content.decode()


def test_the_audit_page_lists_mirror_findings_national_ones_for_the_analyst_only(
    world, filed, analyst, customs_manager
):
    _mirror(filed)
    body = signed_in(analyst).get("/en/risk/audit/").content.decode()
    assert filed.number in body and "HS 851713 2026-10" in body
    managers = signed_in(customs_manager).get("/en/risk/audit/").content.decode()
    assert "37.5% below" in managers and "HS 851713" not in managers
