"""Rules, watch lists, profiles and the rule back-test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rabta.core.errors import DomainError, Forbidden, InvalidTransition
from rabta.core.events import Event
from rabta.customs.choices import DiscrepancyType, Outcome, PartyKind
from rabta.customs.services.clearance import declaration_examine
from rabta.customs.services.declarations import declaration_file
from rabta.customs.services.parties import PartyRef
from rabta.customs.tests.conftest import OTHER_NTN, declaration_input, item
from rabta.risk.choices import ProfileKey, RuleStatus, WatchListKind
from rabta.risk.errors import RiskError
from rabta.risk.events import RiskEvent
from rabta.risk.models import LaneDecision, RiskProfile, RiskRule
from rabta.risk.selectors import selection_slices
from rabta.risk.services.profiles import profiles_refresh
from rabta.risk.services.rules import RuleInput, rule_backtest, rule_create, rule_retire, watchlist_save

pytestmark = pytest.mark.django_db


def rule(**overrides):
    values = {"name": "Cheap TVs", "condition": 'hs4 == "8528" and value_per_kg < 100', "lane": "red"}
    return RuleInput(**{**values, **overrides})


def test_a_rule_is_saved_with_its_author_and_an_event(analyst):
    saved = rule_create(actor=analyst, data=rule(percentage=Decimal("12.5"), valid_from=dt.date(2026, 1, 1)))
    assert (saved.author, saved.percentage, saved.status) == (analyst, Decimal("12.5"), RuleStatus.DRAFT)
    assert Event.objects.for_subject(saved).get().kind == RiskEvent.RULE_CREATED


def test_a_condition_that_does_not_parse_is_refused_with_line_column_and_code(analyst):
    with pytest.raises(DomainError) as caught:
        rule_create(actor=analyst, data=rule(condition='origin == "CN" and\n  colour == "red"'))
    problem = caught.value.fields["condition"][0]  # a line break outside brackets ends the expression
    assert (problem["code"], problem["line"]) == (RiskError.RULE_SYNTAX, "1")
    with pytest.raises(DomainError) as unknown:
        rule_create(actor=analyst, data=rule(condition='(origin == "CN" and\n  colour == "red")'))
    problem = unknown.value.fields["condition"][0]
    assert (problem["code"], problem["line"], problem["column"]) == (RiskError.RULE_UNKNOWN_FIELD, "2", "3")
    assert "line 2, column 3" in problem["message"]
    assert not RiskRule.objects.exists()


def test_every_bad_field_is_named_at_once(analyst):
    with pytest.raises(DomainError) as caught:
        rule_create(
            actor=analyst,
            data=rule(
                name="",
                lane="purple",
                percentage=Decimal(101),
                valid_from=dt.date(2026, 5, 1),
                valid_until=dt.date(2026, 4, 1),
            ),
        )
    assert set(caught.value.fields) == {"name", "lane", "percentage", "valid_until"}


def test_only_risk_analysts_write_rules(trader, customs_manager):
    for actor in (trader, customs_manager):
        with pytest.raises(Forbidden):
            rule_create(actor=actor, data=rule())


def test_a_retired_rule_is_retired_once(analyst):
    saved = rule_create(actor=analyst, data=rule())
    assert rule_retire(actor=analyst, rule=saved).status == RuleStatus.RETIRED
    with pytest.raises(InvalidTransition):
        rule_retire(actor=analyst, rule=saved)


def test_watch_lists_keep_party_hashes_and_refuse_bad_entries(analyst):
    watched = watchlist_save(actor=analyst, name="importers", kind=WatchListKind.PARTY, entries=[OTHER_NTN])
    assert watched.entries != [OTHER_NTN] and len(watched.entries[0]) == 64 and watched.labels == ["****21-0"]
    with pytest.raises(DomainError) as caught:
        watchlist_save(actor=analyst, name="codes", kind=WatchListKind.CODE, entries=["8528", "TV"])
    assert set(caught.value.fields) == {"entries.1"}
    with pytest.raises(DomainError):
        watchlist_save(actor=analyst, name="Bad Name", kind=WatchListKind.COUNTRY, entries=["CN"])


def _examined(n, *, ntn, value, bad, examiner=None):
    declaration = declaration_file(
        data=declaration_input(
            number=f"BT-{n}",
            importer=PartyRef(kind=PartyKind.TRADER, identifier=ntn, name="Importer"),
            items=[item(customs_value=Decimal(value), net_mass_kg=Decimal(1000))],
        ),
        actor=None,
    ).declaration
    declaration_examine(
        declaration=declaration,
        actor=None,
        outcome=Outcome.DISCREPANCY if bad else Outcome.NO_DISCREPANCY,
        discrepancy_type=DiscrepancyType.UNDERVALUATION if bad else "",
    )
    return declaration


def test_a_rule_back_test_counts_what_it_would_have_selected_and_the_hits(world, analyst):
    for n in range(6):
        _examined(n, ntn=OTHER_NTN, value=50 if n < 4 else 5_000_000, bad=n in (0, 1, 2))
    declaration_file(
        data=declaration_input(number="BT-NOT-EXAMINED", items=[item(customs_value=Decimal(10))]), actor=None
    )
    result = rule_backtest(
        actor=analyst,
        condition="value_per_kg < 100",
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 30),
        percentage=Decimal(50),
    )
    assert result.as_dict() == {
        "declarations": 7,
        "matched": 5,
        "would_select": 2,
        "examined": 4,
        "hits": 3,
        "hit_rate": 0.75,
    }
    with pytest.raises(DomainError) as caught:
        rule_backtest(actor=analyst, condition="value_per_kg <", start=dt.date(2026, 1, 1), end=dt.date(2025, 1, 1))
    assert set(caught.value.fields) == {"condition", "end"}


def test_profiles_are_hit_rates_from_examinations_and_rules_read_them(world, analyst):
    for n in range(4):
        _examined(n, ntn=OTHER_NTN, value=1000, bad=n != 0)
    profiles_refresh(actor=analyst)
    everyone = RiskProfile.objects.get(key=ProfileKey.ALL)
    assert (everyone.examined, everyone.hits) == (4, 3)
    code = RiskProfile.objects.get(key=ProfileKey.CODE, value="852872")
    assert (code.examined, code.hits) == (4, 3)
    rule_create(
        actor=None,  # the system: in force at once
        data=rule(
            name="Risky code",
            condition='profile("code") > 0.7 and profile_count("code") >= 4',
            lane="yellow",
            valid_from=dt.date(2026, 1, 1),
        ),
    )
    assert declaration_file(data=declaration_input(number="PROFILED"), actor=None).declaration.lane == "yellow"


def test_selection_slices_compare_exploration_with_the_other_sources(world, analyst, settings):
    from rabta.core.config import SelectionRate

    settings.RABTA_RISK_RATES = (SelectionRate("*", "*", "red", 0.0, 100.0),)
    settings.RABTA_RISK_EXPLORATION_SHARE = 1.0  # every declaration explored
    _examined(1, ntn=OTHER_NTN, value=1000, bad=True)
    _examined(2, ntn=OTHER_NTN, value=1000, bad=False)
    settings.RABTA_RISK_EXPLORATION_SHARE = 0.0
    settings.RABTA_RISK_RATES = ()
    _examined(3, ntn=OTHER_NTN, value=1000, bad=True)
    slices = selection_slices(user=analyst)
    assert slices["exploration"] == {"decided": 2, "examined": 2, "hits": 1, "hit_rate": 0.5}
    assert slices["default"] == {"decided": 1, "examined": 1, "hits": 1, "hit_rate": 1.0}
    assert LaneDecision.objects.filter(exploration=True).count() == 2
