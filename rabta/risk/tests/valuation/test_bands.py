"""The band statistics, without a database: planted outliers are found and do not drag the band;
an item whose quantity or mass is not positive cannot be judged, and nothing crashes."""

from __future__ import annotations

import math
import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from rabta.customs.models import DeclarationItem
from rabta.risk.models_valuation import ValueBand
from rabta.risk.valuation import K_BELOW, MIN_SAMPLE, HistoryRow, _check_item, band_row, band_stats, bands_learn
from rabta.risk.vocab_valuation import FLAGGED, BandLevel, Basis, Finding

FAIR = 100.0
SIGMA = 0.15


def honest(rng: random.Random, n: int) -> list[float]:
    return [math.log(FAIR) + rng.gauss(0, SIGMA) for _ in range(n)]


def under_invoiced(rng: random.Random, n: int) -> list[float]:
    """Prices declared at a quarter to a half of the fair price."""
    return [math.log(FAIR * rng.uniform(0.25, 0.5)) for _ in range(n)]


def test_too_little_history_makes_no_band():
    assert band_stats([math.log(FAIR)] * (MIN_SAMPLE - 1)) is None
    assert band_stats([math.log(FAIR)] * MIN_SAMPLE) is not None


def test_identical_prices_do_not_make_every_cent_a_finding():
    band = band_stats([math.log(FAIR)] * 50)
    assert band is not None
    assert band.judge(FAIR * 0.99) == Finding.IN_BAND
    assert band.judge(FAIR * 0.5) == Finding.FAR_BELOW


def test_planted_under_invoicing_is_found_with_high_precision_and_recall():
    rng = random.Random(7)
    clean, planted = honest(rng, 400), under_invoiced(rng, 100)  # 20 % of the history is fraudulent
    band = band_stats(clean + planted)
    assert band is not None
    flagged_clean = sum(1 for value in clean if band.judge(math.exp(value)) in FLAGGED)
    found = sum(1 for value in planted if band.judge(math.exp(value)) in (Finding.BELOW, Finding.FAR_BELOW))
    precision = found / (found + flagged_clean)
    recall = found / len(planted)
    assert recall >= 0.95, recall
    assert precision >= 0.9, precision


def test_a_mean_and_sd_band_would_be_dragged_where_the_robust_one_is_not():
    rng = random.Random(11)
    values = honest(rng, 400) + under_invoiced(rng, 100)
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))
    band = band_stats(values)
    assert band is not None
    assert abs(band.median_log - math.log(FAIR)) < 0.1
    # The naive band's lower edge lets a price at 40 % of the fair one through; the robust one does not.
    assert math.exp(mean - K_BELOW * sd) < 0.4 * FAIR < band.low


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.floats(0.0, 0.2), n=st.integers(60, 400))
def test_up_to_twenty_per_cent_outliers_do_not_drag_the_band(seed, share, n):
    rng = random.Random(seed)
    planted = int(n * share)
    values = honest(rng, n - planted) + under_invoiced(rng, planted)
    band = band_stats(values)
    assert band is not None
    assert abs(band.median_log - math.log(FAIR)) < 0.12
    assert 0.5 * SIGMA < band.scale_log < 1.6 * SIGMA
    assert band.low > 0.55 * FAIR  # every planted price (at most half the fair one) stays below it


def _band(level, code, origin, basis, unit, values) -> ValueBand:
    stats = band_stats(values)
    assert stats is not None
    return band_row((level, code, origin, basis, unit), stats)


def _index() -> dict:
    rng = random.Random(3)
    per_unit = _band(BandLevel.CODE, "85287200", "", Basis.PER_UNIT, "NMB", honest(rng, 100))
    per_kg = _band(BandLevel.CODE, "85287200", "", Basis.PER_KG, "", [v - math.log(8.5) for v in honest(rng, 100)])
    return {(b.level, b.code, b.origin, b.basis, b.unit): b for b in (per_unit, per_kg)}


def _item(**overrides) -> DeclarationItem:
    values = {
        "item_number": 1,
        "tariff_code": "85287200",
        "origin_country": "CN",
        "quantity": Decimal(10),
        "unit": "NMB",
        "net_mass_kg": Decimal(85),
        "customs_value": Decimal(1000),
    }
    return DeclarationItem(**{**values, **overrides})


def test_an_item_below_its_band_gets_a_finding_a_reason_and_a_suggested_range():
    check = _check_item(_item(customs_value=Decimal(300)), Decimal(1), _index())
    assert check.finding == Finding.FAR_BELOW
    assert check.flagged
    assert "code 85287200 from every origin" in check.reason
    assert check.suggested_low is not None and check.suggested_high is not None
    assert 300 < check.suggested_low < 1000 < check.suggested_high
    assert check.shortfall_pkr == check.suggested_low - 300


def test_the_suggested_range_is_in_the_declared_currency_and_the_shortfall_in_rupees():
    rate = Decimal("278.5")
    check = _check_item(_item(customs_value=Decimal(300) / rate), rate, _index())
    assert check.suggested_low_pkr is not None and check.suggested_low is not None
    assert math.isclose(check.suggested_low * 278.5, check.suggested_low_pkr)
    assert check.finding == Finding.FAR_BELOW


def test_an_item_in_band_has_no_finding_and_an_unknown_code_says_it_has_no_band():
    assert _check_item(_item(), Decimal(1), _index()).finding == Finding.IN_BAND
    unknown = _check_item(_item(tariff_code="01012100", origin_country="ZZ"), Decimal(1), _index())
    assert unknown.finding == Finding.NO_BAND
    assert "01012100" in unknown.reason and "heading 0101" in unknown.reason
    assert not unknown.flagged and unknown.suggested_low is None


@given(
    quantity=st.decimals(-1000, 0, places=3, allow_nan=False),
    mass=st.decimals(-1000, 0, places=3, allow_nan=False),
    value=st.decimals(0, 10**9, places=2, allow_nan=False),
)
def test_a_zero_or_negative_quantity_and_mass_cannot_be_judged_and_never_crash(quantity, mass, value):
    check = _check_item(_item(quantity=quantity, net_mass_kg=mass, customs_value=value), Decimal(1), _index())
    assert check.finding == Finding.CANNOT_JUDGE
    assert all(basis.unit_value is None for basis in check.bases)


@given(mass=st.decimals(-1000, 0, places=3, allow_nan=False))
def test_a_missing_mass_is_judged_on_the_quantity_alone(mass):
    check = _check_item(_item(net_mass_kg=mass, customs_value=Decimal(300)), Decimal(1), _index())
    assert check.finding == Finding.FAR_BELOW
    assert [basis.finding for basis in check.bases] == [Finding.FAR_BELOW, Finding.CANNOT_JUDGE]


def test_learning_falls_back_from_code_and_origin_to_code_to_heading():
    rows = [HistoryRow("85287200", "CN", "NMB", 1, 8, 100) for _ in range(25)]
    rows += [HistoryRow("85287200", "VN", "NMB", 1, 8, 100) for _ in range(5)]
    rows += [HistoryRow("85287100", "VN", "NMB", 1, 8, 100) for _ in range(10)]
    bands = bands_learn(rows)
    assert (BandLevel.CODE_ORIGIN, "85287200", "CN", Basis.PER_UNIT, "NMB") in bands
    assert (BandLevel.CODE_ORIGIN, "85287200", "VN", Basis.PER_UNIT, "NMB") not in bands
    assert bands[(BandLevel.CODE, "85287200", "", Basis.PER_UNIT, "NMB")].sample_size == 30
    assert (BandLevel.CODE, "85287100", "", Basis.PER_UNIT, "NMB") not in bands
    assert bands[(BandLevel.HEADING, "8528", "", Basis.PER_KG, "")].sample_size == 40


def test_zero_prices_and_quantities_are_not_learnt():
    rows = [HistoryRow("85287200", "CN", "NMB", 1, 8, 100) for _ in range(20)]
    rows += [HistoryRow("85287200", "CN", "NMB", 0, 0, 100), HistoryRow("85287200", "CN", "NMB", 1, 8, 0)]
    assert bands_learn(rows)[(BandLevel.CODE_ORIGIN, "85287200", "CN", Basis.PER_UNIT, "NMB")].sample_size == 20
