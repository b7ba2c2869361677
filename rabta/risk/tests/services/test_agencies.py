"""The border agencies' services: the registry, their rules and back-tests, their outcomes beside the
customs lane at filing, the results they record and the lists they share with customs."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rabta.core.errors import DomainError, Forbidden, InvalidTransition
from rabta.core.events import Event
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import declaration_input, item
from rabta.risk.choices import AgencyOutcome, AgencyResult, RuleStatus, WatchListKind
from rabta.risk.events import AgencyEvent
from rabta.risk.models import LaneDecision, WatchList
from rabta.risk.models_agency import Agency, AgencySelection, AgencyShare
from rabta.risk.services import lanes
from rabta.risk.services.agencies import (
    AgencyRuleInput,
    agency_index,
    agency_result_record,
    agency_rule_backtest,
    agency_rule_create,
    agency_rule_retire,
    agency_save,
    agency_share,
)
from rabta.risk.services.rules import RuleInput, rule_create, watchlist_save

pytestmark = pytest.mark.django_db


def rice(**overrides):
    values = {
        "tariff_code": "10063010",
        "description": "Basmati rice",
        "origin_country": "IN",
        "unit": "KGM",
        "quantity": Decimal(20000),
        "net_mass_kg": Decimal(20000),
    }
    return item(**{**values, **overrides})


def file(n: int, items=None):
    return declaration_file(data=declaration_input(number=f"OGA-{n}", items=items or [item()]), actor=None).declaration


def selections_of(declaration):
    return list(
        AgencySelection.objects.filter(declaration=declaration).select_related("agency").order_by("agency__code")
    )


def ppd_rule(officer, agency, condition='origin == "IN"', outcome="lab_test", percentage=100):
    return agency_rule_create(
        actor=officer,
        agency=agency,
        data=AgencyRuleInput(
            name="Indian rice",
            condition=condition,
            outcome=outcome,
            percentage=Decimal(percentage),
            valid_from=dt.date(2026, 1, 1),
        ),
    )


# --- the registry ---------------------------------------------------------------------------------


def test_an_agency_is_saved_with_its_prefixes_and_outcomes_and_bad_input_changes_nothing(analyst):
    agency = agency_save(
        actor=analyst,
        code="pfa",
        name_en="Punjab Food Authority",
        name_ur="پنجاب فوڈ اتھارٹی",
        code_prefixes=["04.02", "0401"],
        outcomes=["inspection", "hold"],
    )
    assert agency.code_prefixes == ["0401", "0402"] and agency.outcomes == ["hold", "inspection"]
    assert Event.objects.for_subject(agency).get().kind == AgencyEvent.AGENCY_SAVED
    with pytest.raises(DomainError) as refused:
        agency_save(
            actor=analyst, code="X!", name_en="", name_ur="", code_prefixes=["4"], outcomes=["red", "not_selected"]
        )
    assert set(refused.value.fields) >= {"code", "name_en", "name_ur", "code_prefixes.0", "outcomes"}
    assert Agency.objects.count() == 1


def test_only_analysts_and_the_system_keep_the_registry(ppd_officer, customs_manager):
    for actor in (ppd_officer, customs_manager):
        with pytest.raises(Forbidden):
            agency_save(actor=actor, code="pfa", name_en="A", name_ur="ا", code_prefixes=["04"], outcomes=["hold"])


# --- rules ------------------------------------------------------------------------------------------


def test_an_agency_rule_must_parse_order_an_outcome_of_its_agency_and_read_no_customs_knowledge(
    ppd, ppd_officer, analyst
):
    watchlist_save(actor=analyst, name="customs-own", kind=WatchListKind.COUNTRY, entries=["IN"])
    bad = [
        ('orign == "IN"', "lab_test", "rule_unknown_field"),
        ('origin in watchlist("customs-own")', "lab_test", "rule_unknown_watchlist"),
        ('profile("importer") > 0.2', "lab_test", "rule_unknown_function"),
    ]
    for condition, outcome, code in bad:
        with pytest.raises(DomainError) as refused:
            ppd_rule(ppd_officer, ppd, condition=condition, outcome=outcome)
        assert refused.value.fields["condition"][0]["code"] == code
    with pytest.raises(DomainError) as refused:
        ppd_rule(ppd_officer, ppd, outcome="document_check")  # not one PPD orders
    assert refused.value.fields["outcome"][0]["code"] == "agency_outcome_unknown"
    rule = ppd_rule(ppd_officer, ppd)
    assert rule.author == ppd_officer and rule.status == RuleStatus.ACTIVE
    assert Event.objects.for_subject(rule).get().kind == AgencyEvent.AGENCY_RULE_CREATED


def test_an_officer_writes_rules_for_their_own_agency_only(ppd, drap, ppd_officer, drap_officer, analyst):
    with pytest.raises(Forbidden):
        ppd_rule(drap_officer, ppd)
    with pytest.raises(Forbidden):
        ppd_rule(analyst, ppd)  # customs' analysts do not write an agency's rules
    rule = ppd_rule(ppd_officer, ppd)
    with pytest.raises(Forbidden):
        agency_rule_retire(actor=drap_officer, rule=rule)
    agency_rule_retire(actor=ppd_officer, rule=rule, reason="Season over.")
    with pytest.raises(InvalidTransition):
        agency_rule_retire(actor=ppd_officer, rule=rule)


def test_a_back_test_reads_only_declarations_and_items_under_the_agency_s_codes(world, ppd, ppd_officer):
    file(1, [rice()])
    file(2, [rice(origin_country="PK")])
    file(3, [item(origin_country="IN")])  # Indian televisions: not PPD's
    file(4, [item(origin_country="IN"), rice(item_number=2, origin_country="TH")])  # PPD's item is Thai
    result = agency_rule_backtest(
        actor=ppd_officer, agency=ppd, condition='origin == "IN"', start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    assert (result.declarations, result.matched, result.would_select) == (3, 1, 1)
    with pytest.raises(DomainError) as refused:
        agency_rule_backtest(
            actor=ppd_officer, agency=ppd, condition="origin ==", start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1)
        )
    assert refused.value.fields["condition"][0]["code"] == "rule_syntax"


# --- at filing --------------------------------------------------------------------------------------


def test_a_declaration_under_an_agency_s_codes_gets_its_outcome_beside_the_lane_with_reasons(
    world, ppd, drap, ppd_officer
):
    ppd_rule(ppd_officer, ppd)
    agency_rule_create(
        actor=ppd_officer,
        agency=ppd,
        data=AgencyRuleInput(
            name="All rice held", condition='hs4 == "1006"', outcome="hold", valid_from=dt.date(2026, 1, 1)
        ),
    )
    declaration = file(1, [item(), rice(item_number=2)])
    (selection,) = selections_of(declaration)  # DRAP regulates none of its items: no row for DRAP
    decision = LaneDecision.objects.get(declaration=declaration)
    assert selection.agency == ppd and selection.decision == decision
    assert selection.outcome == AgencyOutcome.HOLD  # the most severe of the two selections
    assert selection.items == [2]
    assert "Indian rice" in selection.reason and "All rice held" in selection.reason
    assert [hit["selected"] for hit in selection.rules_hit] == [True, True]
    assert decision.lane == "green"  # the customs lane is customs' own


def test_a_concerned_declaration_no_rule_selects_is_recorded_as_not_selected(world, ppd, ppd_officer):
    ppd_rule(ppd_officer, ppd)
    (selection,) = selections_of(file(1, [rice(origin_country="TH")]))
    assert selection.outcome == AgencyOutcome.NOT_SELECTED and "not selected by ppd" in selection.reason


def test_a_rule_outside_its_dates_or_retired_selects_nothing(world, ppd, ppd_officer):
    rule = ppd_rule(ppd_officer, ppd)
    agency_rule_retire(actor=ppd_officer, rule=rule)
    (selection,) = selections_of(file(1, [rice()]))
    assert selection.outcome == AgencyOutcome.NOT_SELECTED and selection.rules_hit == []


def test_declarations_under_no_agency_s_codes_cost_no_query_and_get_no_row(
    world, ppd, ppd_officer, settings, django_assert_num_queries
):
    settings.RABTA_RISK_CACHE_SECONDS = 3600.0
    ppd_rule(ppd_officer, ppd)
    declaration = file(1)
    assert AgencySelection.objects.count() == 0
    lanes.risk_state()
    # The same statements as before agencies: the declaration with its items, today's lane counts (for
    # a top-up: nothing selected it) and the decision.
    with django_assert_num_queries(3):
        lanes.lane_select(declaration=declaration)
    assert AgencySelection.objects.count() == 0


def test_a_saved_agency_rule_is_used_at_once(world, ppd, ppd_officer, settings):
    settings.RABTA_RISK_CACHE_SECONDS = 3600.0
    assert selections_of(file(1, [rice()]))[0].outcome == AgencyOutcome.NOT_SELECTED
    ppd_rule(ppd_officer, ppd)
    assert selections_of(file(2, [rice()]))[0].outcome == AgencyOutcome.LAB_TEST


NUMBERS = itertools.count(1)
ORIGINS = ["IN", "CN", "TH", "PK"]
CODES = ["10063010", "85287200", "08051000", "30049099"]


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    goods=st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(ORIGINS)), min_size=1, max_size=4),
    seed=st.integers(0, 10_000),
)
def test_agencies_never_change_the_customs_lane(world, analyst, ppd, drap, ppd_officer, drap_officer, goods, seed):
    """Over generated declarations, the customs lane and its reasons are the same with the agencies'
    rules as without them; each agency gets a row exactly when an item falls under its codes."""
    if not lanes.RiskRule.objects.exists():
        rule_create(
            actor=analyst,
            data=RuleInput(name="Indian goods", condition='origin == "IN"', lane="yellow", percentage=Decimal(50)),
        )
    items = [
        item(item_number=n, tariff_code=code, origin_country=origin) for n, (code, origin) in enumerate(goods, start=1)
    ]
    declaration = declaration_file(
        data=declaration_input(number=f"GEN-{next(NUMBERS)}", items=items), actor=None
    ).declaration
    loaded = list(declaration.items.all())
    for i in loaded:
        i.declaration = declaration
    without = lanes.lane_decide(
        declaration=declaration,
        items=loaded,
        rng=random.Random(seed),
        state=lanes.RiskState.read(declaration.declared_on),
    )
    ppd_rule(ppd_officer, ppd, condition='origin == "IN"', outcome="hold", percentage=60)
    agency_rule_create(
        actor=drap_officer,
        agency=drap,
        data=AgencyRuleInput(name="Any medicament", condition="value > 0", outcome="lab_test", percentage=Decimal(40)),
    )
    with lanes.random_source(random.Random(seed)):
        recorded = lanes.lane_select(declaration=declaration)
    assert (recorded.lane, recorded.reason) == (without.lane, without.reason)
    concerned = {a.code for a in (ppd, drap) if any(a.regulates(code) for code, _origin in goods)}
    assert {s.agency.code for s in AgencySelection.objects.filter(decision=recorded)} == concerned
    AgencySelection.objects.all().delete()
    lanes.AgencyRule.objects.all().delete()


def test_the_index_keeps_every_agency_s_prefixes_for_the_one_test(ppd, drap):
    index = agency_index()
    assert index.prefixes == ("08", "10", "3004")
    assert [entry.code for entry in index.agencies] == ["drap", "ppd"]


# --- results and shares -------------------------------------------------------------------------------


def test_the_agency_records_the_result_of_its_own_selection_once(world, ppd, drap, ppd_officer, drap_officer):
    ppd_rule(ppd_officer, ppd)
    (selection,) = selections_of(file(1, [rice()]))
    with pytest.raises(Forbidden):
        agency_result_record(actor=drap_officer, selection=selection, result=AgencyResult.CLEARED)
    with pytest.raises(DomainError) as refused:
        agency_result_record(actor=ppd_officer, selection=selection, result="lost")
    assert refused.value.fields["result"][0]["code"] == "agency_result_unknown"
    done = agency_result_record(
        actor=ppd_officer, selection=selection, result=AgencyResult.REFUSED, note="Khapra beetle larvae found."
    )
    assert (done.result, done.result_by) == (AgencyResult.REFUSED, ppd_officer)
    assert Event.objects.for_subject(done).get().kind == AgencyEvent.AGENCY_RESULT_RECORDED
    with pytest.raises(InvalidTransition):
        agency_result_record(actor=ppd_officer, selection=selection, result=AgencyResult.CLEARED)


def test_a_not_selected_declaration_has_no_result_to_record(world, ppd, ppd_officer):
    (selection,) = selections_of(file(1, [rice()]))
    with pytest.raises(InvalidTransition) as refused:
        agency_result_record(actor=ppd_officer, selection=selection, result=AgencyResult.CLEARED)
    assert refused.value.code == "agency_nothing_to_record"


def test_a_share_writes_a_customs_watch_list_records_the_share_and_customs_rules_may_name_it(
    world, ppd, ppd_officer, analyst
):
    share = agency_share(
        actor=ppd_officer, agency=ppd, name="khapra", kind=WatchListKind.COUNTRY, entries=["in", "BD"], note="Grain."
    )
    assert share.watchlist.name == "ppd-khapra" and share.watchlist.entries == ["IN", "BD"]
    assert Event.objects.for_subject(share).get().kind == AgencyEvent.AGENCY_SHARED
    # Customs uses it in its own rule (put in force by the system: an analyst's rule waits as a
    # draft for its back-test), and the agency in its own.
    rule_create(
        actor=None,
        data=RuleInput(
            name="Khapra origins",
            condition='origin in watchlist("ppd-khapra")',
            lane="red",
            valid_from=dt.date(2026, 1, 1),
        ),
    )
    ppd_rule(ppd_officer, ppd, condition='origin in watchlist("ppd-khapra")')
    declaration = file(1, [rice()])
    assert declaration.lane == "red" and selections_of(declaration)[0].outcome == AgencyOutcome.LAB_TEST
    # Sharing again replaces the list and is a second share.
    agency_share(actor=ppd_officer, agency=ppd, name="khapra", kind=WatchListKind.COUNTRY, entries=["IN"])
    assert AgencyShare.objects.filter(agency=ppd).count() == 2
    assert WatchList.objects.get(name="ppd-khapra").entries == ["IN"]


def test_a_share_never_replaces_a_list_customs_keeps_and_bad_entries_change_nothing(
    ppd, ppd_officer, analyst, drap_officer
):
    watchlist_save(actor=analyst, name="ppd-own", kind=WatchListKind.CODE, entries=["1006"])
    with pytest.raises(DomainError) as refused:
        agency_share(actor=ppd_officer, agency=ppd, name="own", kind=WatchListKind.CODE, entries=["10"])
    assert refused.value.fields["name"][0]["code"] == "agency_watchlist_taken"
    with pytest.raises(DomainError):
        agency_share(actor=ppd_officer, agency=ppd, name="codes", kind=WatchListKind.CODE, entries=["1x"])
    with pytest.raises(Forbidden):
        agency_share(actor=drap_officer, agency=ppd, name="codes", kind=WatchListKind.CODE, entries=["10"])
    assert not AgencyShare.objects.exists() and WatchList.objects.get(name="ppd-own").entries == ["1006"]
