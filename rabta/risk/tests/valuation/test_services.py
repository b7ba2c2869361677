"""Bands learnt from the declarations, a declaration checked against them, and the stored check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rabta.core.errors import DomainError, Forbidden
from rabta.core.models import Event
from rabta.customs.choices import Outcome
from rabta.customs.models import Declaration
from rabta.customs.selectors import declaration_timeline
from rabta.risk.models_valuation import ValueBand, ValueCheck, ValueControlRun
from rabta.risk.tests.valuation.conftest import FAIR_USD, RATE
from rabta.risk.valuation import value_bands_rebuild, value_check_record, value_findings
from rabta.risk.vocab_valuation import BandLevel, Basis, Finding, ValuationEvent

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 30)


def test_a_rebuild_learns_bands_per_code_origin_code_and_heading_and_records_its_run(history, analyst):
    history.honest(30, origin="CN")
    history.honest(5, origin="VN")
    run = value_bands_rebuild(actor=analyst, as_of=AS_OF)
    keys = set(ValueBand.objects.values_list("level", "code", "origin", "basis", "unit"))
    assert (BandLevel.CODE_ORIGIN, "85287200", "CN", Basis.PER_UNIT, "NMB") in keys
    assert (BandLevel.CODE_ORIGIN, "85287200", "VN", Basis.PER_UNIT, "NMB") not in keys  # five rows
    assert (BandLevel.CODE, "85287200", "", Basis.PER_KG, "") in keys
    assert (BandLevel.HEADING, "8528", "", Basis.PER_UNIT, "NMB") in keys
    band = ValueBand.objects.get(level=BandLevel.CODE_ORIGIN, origin="CN", basis=Basis.PER_UNIT)
    assert band.low < FAIR_USD * float(RATE) < band.high
    assert run.counts["history_rows"] == 36  # the filed declaration (item 1 of the fixture) counts too
    assert Event.objects.filter(kind=ValuationEvent.BANDS_REBUILT, subject_id=str(run.pk)).count() == 1


def test_declarations_outside_the_window_and_those_found_undervalued_are_not_learnt(history):
    history.honest(25, declared_on=date(2025, 1, 1))  # more than twelve months before
    history.honest(19)
    for _ in range(10):
        history.declaration(price_usd=FAIR_USD / 4, examined=Outcome.DISCREPANCY)
    run = value_bands_rebuild(actor=None, as_of=AS_OF)
    assert run.counts["history_rows"] == 20  # 19 honest ones and the filed declaration
    band = ValueBand.objects.get(level=BandLevel.CODE_ORIGIN, origin="CN", basis=Basis.PER_UNIT)
    assert band.sample_size == 20


def test_a_rebuild_replaces_the_bands_of_the_one_before(history):
    history.honest(30)
    first = value_bands_rebuild(actor=None, as_of=AS_OF)
    second = value_bands_rebuild(actor=None, as_of=AS_OF)
    assert set(ValueBand.objects.values_list("run_id", flat=True)) == {second.pk}
    assert first.pk != second.pk


def test_only_a_risk_analyst_or_the_system_rebuilds_and_a_bad_window_writes_nothing(history, trader, customs_manager):
    for actor in (trader, customs_manager):
        with pytest.raises(Forbidden):
            value_bands_rebuild(actor=actor)
    with pytest.raises(DomainError) as caught:
        value_bands_rebuild(actor=None, months=0)
    assert set(caught.value.fields) == {"months"}
    assert not ValueControlRun.objects.exists()


def test_an_under_invoiced_declaration_is_found_below_its_origin_band_with_a_range(history):
    history.honest(40)
    value_bands_rebuild(actor=None, as_of=AS_OF)
    cheap = history.declaration(price_usd=FAIR_USD * 0.45, status="filed")
    (check,) = value_findings(cheap)
    assert check.finding == Finding.FAR_BELOW
    assert "code 85287200 from CN" in check.reason and "41 declarations" in check.reason
    assert check.suggested_low is not None and check.suggested_high is not None
    assert check.suggested_low < FAIR_USD * 100 < check.suggested_high  # USD for the item's 100 sets
    assert check.shortfall_pkr > 0


def test_an_origin_with_little_history_is_judged_on_the_code_band(history):
    history.honest(40)
    value_bands_rebuild(actor=None, as_of=AS_OF)
    from_vietnam = history.declaration(price_usd=FAIR_USD, origin="VN", status="filed")
    (check,) = value_findings(from_vietnam)
    assert check.finding == Finding.IN_BAND
    assert check.bases[0].band is not None and check.bases[0].band["level"] == BandLevel.CODE


def test_an_unknown_code_has_no_band_and_says_so(history):
    history.honest(40)
    value_bands_rebuild(actor=None, as_of=AS_OF)
    horses = history.declaration(price_usd=5000, code="01012100", origin="IE", status="filed")
    (check,) = value_findings(horses)
    assert check.finding == Finding.NO_BAND and not check.flagged
    assert "01012100" in check.reason


def test_the_stored_check_carries_the_worst_finding_and_its_event_is_not_in_the_traders_timeline(
    history, trader, filed
):
    history.honest(40)
    value_bands_rebuild(actor=None, as_of=AS_OF)
    item = filed.items.get()
    item.customs_value = Decimal(1000)  # a hundred sets at ten dollars
    item.save()
    stored = value_check_record(declaration=filed)
    assert stored.finding == Finding.FAR_BELOW and stored.shortfall > 0
    assert stored.items[0]["finding"] == Finding.FAR_BELOW
    again = value_check_record(declaration=filed)
    assert ValueCheck.objects.get().pk == again.pk == stored.pk
    assert Event.objects.filter(kind=ValuationEvent.DECLARATION_CHECKED).count() == 2
    kinds = [row["kind"] for row in declaration_timeline(user=trader, number=filed.number)]
    assert ValuationEvent.DECLARATION_CHECKED not in kinds


def test_value_findings_reads_the_bands_in_one_query(history, django_assert_num_queries):
    history.honest(40)
    value_bands_rebuild(actor=None, as_of=AS_OF)
    filed = history.declaration(price_usd=FAIR_USD, status="filed")
    declaration = Declaration.objects.prefetch_related("items").get(pk=filed.pk)
    with django_assert_num_queries(1):
        value_findings(declaration)
