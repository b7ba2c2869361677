"""Lane selection inside customs' lane_assign: rules, model, random, exploration, top-ups, fallback."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from rabta.core.config import SelectionRate
from rabta.core.events import Event
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Declaration, DeclarationItem
from rabta.customs.services.declarations import declaration_file, lane_assign
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input, item
from rabta.risk.choices import DecisionSource, ModelOutcome, WatchListKind
from rabta.risk.models import LaneDecision
from rabta.risk.services.lanes import _DECLARATION_FIELDS, _RELATED, _items_with_declaration, random_source
from rabta.risk.services.rules import RuleInput, rule_create, watchlist_save

pytestmark = pytest.mark.django_db


def file(n: int = 1, **overrides):
    return declaration_file(data=declaration_input(number=f"RISK-{n}", **overrides), actor=None).declaration


def decision_of(declaration) -> LaneDecision:
    return LaneDecision.objects.filter(declaration=declaration).latest("decided_at", "pk")


def test_a_declaration_nothing_selects_gets_the_default_lane_and_says_so(world):
    declaration = file()
    decision = decision_of(declaration)
    assert declaration.lane == "green" and decision.source == DecisionSource.DEFAULT
    assert decision.model_outcome == ModelOutcome.NO_MODEL
    event = Event.objects.for_subject(declaration).get(kind=CustomsEvent.LANE_ASSIGNED)
    assert "not selected → green" in event.reason and event.data["decision"] == decision.pk


def test_a_rule_on_a_watch_listed_importer_sends_it_red_with_the_rule_named(world, analyst):
    watchlist_save(actor=analyst, name="bad-importers", kind=WatchListKind.PARTY, entries=[TRADER_NTN])
    rule = rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(
            name="Watch-listed importer",
            condition='importer in watchlist("bad-importers")',
            lane="red",
            valid_from=dt.date(2026, 1, 1),
        ),
    )
    declaration = file()
    decision = decision_of(declaration)
    assert declaration.lane == "red" and decision.source == DecisionSource.RULE
    assert decision.rules_hit == [
        {"rule": rule.pk, "name": "Watch-listed importer", "lane": "red", "percentage": 100.0, "selected": True}
    ]
    event = Event.objects.for_subject(declaration).get(kind=CustomsEvent.LANE_ASSIGNED)
    assert "rule “Watch-listed importer” → red" in event.reason


def test_an_item_level_rule_and_a_rule_out_of_its_validity(world, analyst):
    rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(
            name="Cheap TVs",
            condition='hs4 == "8528" and value_per_kg < 100',
            lane="yellow",
            valid_from=dt.date(2026, 1, 1),
        ),
    )
    rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(
            name="Expired",
            condition='origin == "CN"',
            lane="red",
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2025, 12, 31),
        ),
    )
    dear = file(1)  # 2.5 M × 278.5 / 850.5 kg: far above 100 a kilogram
    cheap = file(2, items=[item(customs_value=Decimal(100), net_mass_kg=Decimal(850))])
    assert (dear.lane, cheap.lane) == ("green", "yellow")
    assert [hit["name"] for hit in decision_of(cheap).rules_hit] == ["Cheap TVs"]


def test_a_rule_selects_only_its_percentage_of_matches(world, analyst):
    rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(
            name="Sample",
            condition='origin == "CN"',
            lane="red",
            percentage=Decimal(30),
            valid_from=dt.date(2026, 1, 1),
        ),
    )
    lanes = [file(n).lane for n in range(40)]
    assert 4 <= lanes.count("red") <= 24  # about 12 of 40; every one is matched
    hits = [decision.rules_hit for decision in LaneDecision.objects.all()]
    assert len(hits) == 40 and all(hit[0]["name"] == "Sample" for hit in hits)  # matched, selected or not


def test_random_selection_at_the_office_rate_and_the_exploration_slice(world, settings):
    settings.RABTA_RISK_RATES = (SelectionRate("*", "import", "yellow", 100.0, 0.0),)
    declaration = file()
    decision = decision_of(declaration)
    assert declaration.lane == "yellow" and decision.random_selected and decision.source == DecisionSource.RANDOM
    settings.RABTA_RISK_RATES = (SelectionRate("FED-CUS-APP-KHI", "*", "red", 0.0, 100.0),)
    settings.RABTA_RISK_EXPLORATION_SHARE = 1.0
    explored = decision_of(file(2))
    assert explored.exploration and explored.lane == "red" and "exploration sample → red" in explored.reason


def test_an_office_line_wins_over_the_star_line(world, settings):
    settings.RABTA_RISK_RATES = (
        SelectionRate("*", "*", "red", 100.0, 0.0),
        SelectionRate("FED-CUS-APP-KHI", "*", "red", 0.0, 0.0),
    )
    assert file().lane == "green"


def test_expected_rates_are_topped_up_from_would_be_green_declarations(world, settings):
    settings.RABTA_RISK_RATES = (SelectionRate("*", "*", "yellow", 0.0, 50.0),)
    lanes = [file(n).lane for n in range(6)]
    assert lanes == ["green", "yellow", "green", "yellow", "green", "yellow"]
    assert decision_of(file(9)).top_up is False  # 3 of 6 yellow: on target


def test_the_same_seed_gives_the_same_lanes(world, settings):
    settings.RABTA_RISK_RATES = (SelectionRate("*", "*", "red", 30.0, 0.0),)

    def run(prefix):
        with random_source(random.Random(7)):
            return [file(f"{prefix}{n}").lane for n in range(12)]

    assert run("A") == run("B")


def test_an_officer_re_route_is_a_decision_with_its_actor_and_reason(world, customs_manager):
    declaration = file()
    lane_assign(declaration=declaration, actor=customs_manager, lane="red", reason="Tip-off from the port.")
    decision = decision_of(declaration)
    assert (decision.source, decision.lane, decision.actor, decision.reason) == (
        DecisionSource.OFFICER,
        "red",
        customs_manager,
        "Tip-off from the port.",
    )
    assert LaneDecision.objects.filter(declaration=declaration).count() == 2


def test_the_one_statement_fetch_reads_what_the_orm_reads(world):
    """lane_select's hand-written fetch gives the decision the same items, declaration, offices and
    parties as the ORM's select_related query would (with and without the optional parties)."""
    full = file(1, items=[item(item_number=2, tariff_code="30049099"), item(item_number=1)])
    bare = file(2, declarant=None, seller=None)
    for declaration in (full, bare):
        fetched = _items_with_declaration(declaration.pk)
        expected = list(DeclarationItem.objects.filter(declaration=declaration).order_by("item_number"))
        assert [i.item_number for i in fetched] == [i.item_number for i in expected]
        for got, want in zip(fetched, expected, strict=True):
            for field in DeclarationItem._meta.concrete_fields:
                assert getattr(got, field.attname) == getattr(want, field.attname), field.attname
        loaded = fetched[0].declaration
        assert all(i.declaration is loaded for i in fetched)
        orm = Declaration.objects.select_related(*_RELATED).get(pk=declaration.pk)
        for name in _DECLARATION_FIELDS:
            path = name.split("__")
            got, want = loaded, orm
            for step in path:
                got = None if got is None else getattr(got, step)
                want = None if want is None else getattr(want, step)
            assert got == want, name
    assert _items_with_declaration(10**9) == []
