"""Lane selection from the in-process state: the same decisions as reading everything afresh, few
queries, invalidation (a change in this process at once, another process's within the check time),
value control's findings in the lanes, and a failing model or value control that never blocks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

import pytest

from rabta.core.config import SelectionRate
from rabta.core.events import Event
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Declaration, DeclarationItem
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests import conftest as customs_fixtures
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input, item
from rabta.risk.choices import DecisionSource, ModelOutcome, ProfileKey, RuleStatus, WatchListKind
from rabta.risk.models import LaneDecision, RiskModel, RiskProfile, RiskRule
from rabta.risk.scoring import ModelScorer
from rabta.risk.services import lanes
from rabta.risk.services.lanes import RiskState, lane_decide, lane_select, risk_state
from rabta.risk.services.models import model_activate, model_approve, model_train
from rabta.risk.services.rules import RuleInput, rule_create, watchlist_save
from rabta.risk.tests.learning.test_backtest import generated
from rabta.risk.tests.valuation.conftest import FAIR_USD, History
from rabta.risk.valuation import value_bands_rebuild
from rabta.risk.vocab_valuation import Finding

pytestmark = pytest.mark.django_db
filed = customs_fixtures.filed
DAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def fresh_cache():
    lanes._state_cache.clear()
    yield
    lanes._state_cache.clear()


def file(n, **overrides):
    return declaration_file(data=declaration_input(number=f"CACHE-{n}", **overrides), actor=None).declaration


def decision_of(declaration) -> LaneDecision:
    return LaneDecision.objects.filter(declaration=declaration).latest("decided_at", "pk")


def activate_model(analyst, second_analyst) -> RiskModel:
    model = model_train(
        actor=analyst,
        frame=generated(600, 5, dt.date(2026, 1, 1)),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 10, 31),
    )
    model_approve(actor=second_analyst, model=model)
    return model_activate(actor=analyst, model=RiskModel.objects.get(pk=model.pk))


def rules(analyst):
    watchlist_save(actor=analyst, name="bad-importers", kind=WatchListKind.PARTY, entries=[TRADER_NTN])
    watchlist_save(actor=analyst, name="pharma", kind=WatchListKind.CODE, entries=["3004"])
    for name, condition, lane, percentage, until in (
        ("watch-listed", 'importer in watchlist("bad-importers") and origin == "VN"', "red", 100, None),
        ("cheap TVs", 'hs4 == "8528" and value_per_kg < 300', "yellow", 100, None),
        ("pharma", 'code in watchlist("pharma")', "red", 50, None),
        ("risky pair", 'profile("code+origin") > 0.3 and profile_count("code+origin") >= 2', "yellow", 100, None),
        ("expired", 'origin == "CN"', "red", 100, dt.date(2026, 6, 30)),
        ("big", "total_value > 2000000000", "red", 100, None),
    ):
        rule_create(
            actor=None,  # the system: in force at once (an analyst's is a draft)
            data=RuleInput(
                name=name,
                condition=condition,
                lane=lane,
                percentage=Decimal(percentage),
                valid_from=dt.date(2026, 1, 1),
                valid_until=until,
            ),
        )


def generated_declarations(n: int, seed: int) -> list[Declaration]:
    rng = random.Random(seed)
    made = []
    for k in range(n):
        items = [
            item(
                item_number=i + 1,
                tariff_code=rng.choice(["85287200", "30049099", "87032390", "61091000"]),
                origin_country=rng.choice(["CN", "VN", "DE", "IN"]),
                quantity=Decimal(rng.randint(1, 500)),
                net_mass_kg=Decimal(rng.choice([0, 1, 50, 850, 5000])),
                customs_value=Decimal(rng.randint(100, 10_000_000)),
            )
            for i in range(rng.randint(1, 4))
        ]
        made.append(
            file(
                f"{seed}-{k}",
                items=items,
                declared_on=rng.choice([DAY, dt.date(2026, 5, 1)]),
                declarant=None if rng.random() < 0.2 else declaration_input().declarant,
            )
        )
    return made


def loaded(declaration):
    decl = Declaration.objects.select_related("collectorate", "station", "importer", "declarant", "seller").get(
        pk=declaration.pk
    )
    return decl, list(DeclarationItem.objects.filter(declaration_id=decl.pk).order_by("item_number"))


def test_the_cached_state_gives_the_same_decisions_as_reading_everything_afresh(
    world, analyst, second_analyst, history, settings
):
    settings.RABTA_RISK_RATES = (
        SelectionRate("*", "*", "red", 10.0, 5.0),
        SelectionRate("*", "*", "yellow", 10.0, 20.0),
    )
    settings.RABTA_RISK_MODEL_LANES = (("red", 0.9), ("yellow", 0.3))
    history.honest(30)  # value bands for 85287200 from CN
    value_bands_rebuild(actor=None, as_of=DAY)
    rules(analyst)
    activate_model(analyst, second_analyst)
    declarations = generated_declarations(30, seed=3)
    RiskProfile.objects.bulk_create(
        [
            RiskProfile(key=ProfileKey.ALL, value="", examined=100, hits=20),
            RiskProfile(key=ProfileKey.CODE_ORIGIN, value="300490|IN", examined=5, hits=5),
            RiskProfile(key=ProfileKey.CODE_ORIGIN, value="872390|DE", examined=30, hits=1),
        ]
    )
    risk_state()
    loads = lanes._state_cache.loads
    sources, valued, profiled = set(), 0, 0
    for n, declaration in enumerate(declarations):
        decl, items = loaded(declaration)
        now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
        cached = lane_decide(declaration=decl, items=items, rng=random.Random(n), now=now)
        fresh = lane_decide(
            declaration=decl, items=items, rng=random.Random(n), now=now, state=RiskState.read(decl.declared_on)
        )
        assert dataclasses.asdict(cached) == dataclasses.asdict(fresh)
        sources.add(cached.source)
        valued += bool(cached.value_findings)
        profiled += any(hit["name"] == "risky pair" for hit in cached.rules_hit)
        assert cached.model_outcome == ModelOutcome.SCORED
    # The generated declarations reach every path (else the comparison proves little).
    assert {DecisionSource.RULE, DecisionSource.RANDOM, DecisionSource.TOP_UP} <= sources
    assert valued and profiled
    assert lanes._state_cache.loads == loads  # nothing changed while deciding: not read again


def test_a_decision_from_the_kept_state_costs_three_queries_at_most(
    world, analyst, second_analyst, settings, django_assert_num_queries
):
    settings.RABTA_RISK_CACHE_SECONDS = 3600.0
    settings.RABTA_RISK_MODEL_LANES = ()
    rules(analyst)
    activate_model(analyst, second_analyst)
    RiskProfile.objects.create(key=ProfileKey.ALL, value="", examined=10, hits=1)
    selected = file(1, items=[item(customs_value=Decimal(100), net_mass_kg=Decimal(850))])  # cheap TVs: yellow
    unselected = file(2)
    risk_state()  # warm (filing already did)
    # The declaration with its items and parties; the insert. Rules, lists, profiles, model: kept.
    with django_assert_num_queries(2):
        assert lane_select(declaration=selected).lane == "yellow"
    # Nothing selects it: today's lane counts for the top-up too.
    with django_assert_num_queries(3):
        assert lane_select(declaration=unselected).source == DecisionSource.DEFAULT


def test_a_change_in_this_process_is_used_at_once(world, analyst, settings):
    settings.RABTA_RISK_CACHE_SECONDS = 3600.0
    assert file(1).lane == "green"
    rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(name="All CN", condition='origin == "CN"', lane="red", valid_from=dt.date(2026, 1, 1)),
    )
    assert file(2).lane == "red"
    rule = RiskRule.objects.get()
    rule.status = RuleStatus.RETIRED
    rule.save()
    assert file(3).lane == "green"


def test_another_process_s_change_is_used_within_the_check_time(world, analyst, settings, monkeypatch):
    settings.RABTA_RISK_CACHE_SECONDS = 5.0
    now = [1000.0]
    monkeypatch.setattr(lanes, "_clock", lambda: now[0])
    rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(name="All CN", condition='origin == "CN"', lane="red", valid_from=dt.date(2026, 1, 1)),
    )
    assert file(1).lane == "red"
    # Another process retires the rule: no signal reaches this one (an UPDATE through the queryset).
    RiskRule.objects.update(status=RuleStatus.RETIRED, updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    now[0] += 4.0
    assert file(2).lane == "red"  # within the check time, the kept state still holds the rule
    now[0] += 1.5
    assert file(3).lane == "green"  # past it: the fingerprint changed, the state is read again
    loads = lanes._state_cache.loads
    now[0] += 10.0
    assert file(4).lane == "green" and lanes._state_cache.loads == loads  # checked, unchanged: not reloaded


def test_a_new_watch_list_entry_and_a_rebuilt_band_change_the_fingerprint(world, analyst, history):
    watchlist_save(actor=analyst, name="bad-importers", kind=WatchListKind.PARTY, entries=["0000000-0"])
    first = lanes.state_fingerprint()
    watchlist_save(actor=analyst, name="bad-importers", kind=WatchListKind.PARTY, entries=[TRADER_NTN])
    second = lanes.state_fingerprint()
    history.honest(25)
    value_bands_rebuild(actor=None, as_of=DAY)
    third = lanes.state_fingerprint()
    RiskProfile.objects.create(key=ProfileKey.ALL, value="", examined=1, hits=0)
    assert len({first, second, third, lanes.state_fingerprint()}) == 4


@pytest.fixture
def history(world, filed):
    return History(world, filed.importer)


def test_an_item_below_its_value_band_goes_to_the_under_invoicing_lane_with_the_range(world, history, settings):
    history.honest(30)
    value_bands_rebuild(actor=None, as_of=DAY)
    cheap = file(1, items=[item(customs_value=Decimal(str(FAIR_USD / 5 * 100)))])  # a fifth of the fair price
    decision = decision_of(cheap)
    assert cheap.lane == "yellow" and decision.source == DecisionSource.VALUE
    [finding] = decision.value_findings
    assert finding["finding"] in (Finding.BELOW, Finding.FAR_BELOW) and finding["lane"] == "yellow"
    assert finding["suggested_low"] < FAIR_USD * 100 < finding["suggested_high"] and finding["currency"] == "USD"
    assert "value control: item 1" in decision.reason and "Suggested value" in decision.reason
    event = Event.objects.for_subject(cheap).get(kind=CustomsEvent.LANE_ASSIGNED)
    assert "Suggested value" in event.reason and f"{finding['suggested_low']:,.2f}" in event.reason  # the timeline
    fair = file(2, items=[item(customs_value=Decimal(str(FAIR_USD * 100)))])
    assert fair.lane == "green" and decision_of(fair).value_findings == []
    settings.RABTA_RISK_UNDERVALUE_LANE = "red"
    assert file(3, items=[item(customs_value=Decimal(str(FAIR_USD / 5 * 100)))]).lane == "red"


def test_an_item_above_its_band_is_a_reason_but_selects_nothing(world, history):
    history.honest(30)
    value_bands_rebuild(actor=None, as_of=DAY)
    dear = file(1, items=[item(customs_value=Decimal(str(FAIR_USD * 20 * 100)))])
    decision = decision_of(dear)
    assert dear.lane == "green" and decision.value_findings[0]["finding"] == Finding.ABOVE
    assert "lane" not in decision.value_findings[0] and "value control: item 1" in decision.reason


def test_failing_value_control_never_blocks_clearance(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bands unreadable")

    monkeypatch.setattr(lanes.valuation, "value_findings_of", broken)
    declaration = file(1)
    assert declaration.lane == "green"
    assert "value control not used (RuntimeError: bands unreadable)" in decision_of(declaration).reason


def test_a_model_failing_as_it_scores_falls_back_to_rules_and_random_selection(
    world, analyst, second_analyst, monkeypatch
):
    activate_model(analyst, second_analyst)
    rule_create(
        actor=None,  # the system: in force at once (an analyst's is a draft)
        data=RuleInput(name="All CN", condition='origin == "CN"', lane="red", valid_from=dt.date(2026, 1, 1)),
    )

    def broken(self, declaration, items):
        raise ValueError("feature matrix has the wrong shape")

    monkeypatch.setattr(ModelScorer, "score_declaration", broken)
    declaration = file(1)
    decision = decision_of(declaration)
    assert declaration.lane == "red" and decision.source == DecisionSource.RULE
    assert decision.model_outcome == ModelOutcome.FAILED
    assert decision.model_error == "ValueError: feature matrix has the wrong shape"
    assert "rules and random selection only" in decision.reason


def test_a_model_whose_file_would_not_load_is_recorded_on_each_decision_and_tried_again(
    world, analyst, second_analyst, monkeypatch
):
    model = activate_model(analyst, second_analyst)
    tries = []

    def refuse(model):
        tries.append(model.pk)
        raise OSError("disk gone")

    monkeypatch.setattr(lanes, "scorer_for", refuse)
    first, second = decision_of(file(1)), decision_of(file(2))
    assert first.model_outcome == second.model_outcome == ModelOutcome.FAILED
    assert first.model_error == "OSError: disk gone" and first.model_version == model.version
    assert len(tries) == 1  # not re-read on every decision...
    lanes._state_cache.state.model_tried_at -= lanes.MODEL_RETRY_SECONDS + 1
    decision_of(file(3))
    assert len(tries) == 2  # ...but tried again after a while
