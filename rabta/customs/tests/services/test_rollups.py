"""The clearance roll-ups (rabta.customs.services.rollups): log buckets and quantiles by hand, random
histories through the real services equal a rebuild, the rebuild command and an import chunk fold alike."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rabta.customs.choices import Outcome
from rabta.customs.models import ALL_LANES, ALL_STATIONS, ClearanceDurationRollup, ClearanceRollup
from rabta.customs.services import clearance
from rabta.customs.services.declarations import lane_assign
from rabta.customs.services.rollups import bucket_bounds, bucket_of, quantile, rollup_rebuild
from rabta.customs.tests.test_dashboard import T0, _clear, _file  # the same small histories


def test_log_buckets_and_quantiles_by_hand():
    assert bucket_of(59) == 0
    assert bucket_of(60) == 1
    assert bucket_of(120) == 5  # one octave above a minute: four buckets further
    assert bucket_bounds(5) == (120.0, pytest.approx(120 * 2**0.25))
    # Two durations in bucket 1 and two in bucket 5: the median (rank 2) is bucket 1's upper bound.
    buckets = [0] * 64
    buckets[1], buckets[5] = 2, 2
    assert quantile(buckets, 0.5) == pytest.approx(60 * 2**0.25)
    # The 90th percentile (rank 3.6): 1.6 of bucket 5's two, geometrically inside it.
    assert quantile(buckets, 0.9) == pytest.approx(120 * 2 ** (0.25 * 0.8))
    assert quantile([0] * 64, 0.5) is None


def _snapshot():
    counters = sorted(
        ClearanceRollup.objects.values_list(*[f.name for f in ClearanceRollup._meta.fields if f.name != "id"])
    )
    durations = sorted(
        ClearanceDurationRollup.objects.values_list(
            *[f.name for f in ClearanceDurationRollup._meta.fields if f.name != "id"]
        )
    )
    return counters, durations


MOVES = st.lists(
    st.tuples(
        st.sampled_from(["green", "yellow", "red"]),
        st.integers(min_value=0, max_value=4),  # how far along the trail
        st.integers(min_value=1, max_value=60 * 48),  # minutes between stages
        st.booleans(),  # a discrepancy
        st.booleans(),  # arrival known
    ),
    min_size=1,
    max_size=6,
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=MOVES)
def test_random_histories_equal_a_rebuild(world, trader, histories):
    ClearanceRollup.objects.all().delete()
    ClearanceDurationRollup.objects.all().delete()
    from rabta.customs.models import Declaration

    Declaration.objects.all().delete()
    for index, (lane, depth, minutes, found, arrival) in enumerate(histories):
        at = T0 + timedelta(minutes=17 * index)
        step = timedelta(minutes=minutes)
        declaration = _file(trader, f"R-{index}", at, arrived=at - step if arrival else None)
        with time_machine.travel(at + step / 4, tick=False):
            declaration = lane_assign(declaration=declaration, lane=lane)
        if depth >= 1 and lane != "green":
            with time_machine.travel(at + step / 2, tick=False):
                if lane == "yellow":
                    declaration = clearance.declaration_check_documents(declaration=declaration, actor=None)
                else:
                    declaration = clearance.declaration_examine(
                        declaration=declaration,
                        actor=None,
                        outcome=Outcome.DISCREPANCY if found else Outcome.NO_DISCREPANCY,
                        discrepancy_type="origin" if found else "",
                        extra_duty=Decimal("12.50") if found else Decimal(0),
                    )
        if depth >= 2 and (lane == "green" or depth >= 1):
            with time_machine.travel(at + step, tick=False):
                declaration = clearance.declaration_assess(declaration=declaration, actor=None)
        if depth >= 3:
            with time_machine.travel(at + step * 2, tick=False):
                declaration = clearance.declaration_record_payment(
                    declaration=declaration, actor=None, amount=declaration.assessed_amount
                )
        if depth >= 4:
            with time_machine.travel(at + step * 3, tick=False):
                clearance.declaration_release(declaration=declaration, actor=None)
    incremental = _snapshot()
    rollup_rebuild(batch_size=2)
    assert _snapshot() == incremental
    assert incremental[0]
    _assert_levels_add_up()


def _summed(rows, key, width):
    sums: dict[tuple, list[int]] = {}
    for row in rows:
        total = sums.setdefault(key(row), [0] * width)
        for index, value in enumerate(row[5:]):
            total[index] += value
    return {k: v for k, v in sums.items() if any(v)}


def _assert_levels_add_up():
    """Each sum level the dashboard reads (every lane ``*``, every station -1, both) holds exactly
    the sums of the (station, lane) rows it stands for, and no row is missing or extra."""
    counters, durations = _snapshot()
    base = [row for row in counters if row[3] != ALL_STATIONS and row[4] != ALL_LANES]
    level = {row[:5]: list(row[5:]) for row in counters if row[3] == ALL_STATIONS or row[4] == ALL_LANES}
    width = len(base[0]) - 5 if base else 0
    expected: dict[tuple, list[int]] = {}
    for station_of, lane_of in (
        (lambda row: row[3], lambda row: ALL_LANES),
        (lambda row: ALL_STATIONS, lambda row: row[4]),
        (lambda row: ALL_STATIONS, lambda row: ALL_LANES),
    ):
        expected |= _summed(base, lambda row, s=station_of, la=lane_of: (*row[:3], s(row), la(row)), width)
    assert {k: v for k, v in level.items() if any(v)} == expected
    stations = [row for row in durations if row[3] != ALL_STATIONS]
    summed = _summed(stations, lambda row: (*row[:3], ALL_STATIONS, row[4]), len(durations[0]) - 5 if durations else 0)
    assert {row[:5]: list(row[5:]) for row in durations if row[3] == ALL_STATIONS} == summed


def test_the_migration_fills_the_levels_as_a_rebuild_does(world, trader):
    """Roll-ups written before the sum levels existed (only the (station, lane) rows): 0005's
    data step adds the levels, equal to a rebuild."""
    from importlib import import_module

    from django.apps import apps

    declaration = _file(trader, "MIG-1", T0, arrived=T0 - timedelta(hours=1))
    _clear(declaration, assessed_at=T0 + timedelta(hours=1), released_at=T0 + timedelta(hours=2))
    rebuilt = _snapshot()
    ClearanceRollup.objects.filter(Q(station_id=ALL_STATIONS) | Q(lane=ALL_LANES)).delete()
    ClearanceDurationRollup.objects.filter(station_id=ALL_STATIONS).delete()
    assert _snapshot() != rebuilt
    import_module("rabta.customs.migrations.0005_dash18_rollup_levels").fill_levels(apps, None)
    assert _snapshot() == rebuilt


def test_the_rebuild_command_equals_the_moves(world, trader):
    from io import StringIO

    from django.core.management import call_command

    declaration = _file(trader, "CMD-1", T0, arrived=T0 - timedelta(hours=1))
    _clear(declaration, assessed_at=T0 + timedelta(hours=1), released_at=T0 + timedelta(hours=2))
    before = _snapshot()
    out = StringIO()
    call_command("customs_dashboard", "rebuild", "--batch-size", "1", stdout=out)
    assert "from 1 declarations" in out.getvalue()
    assert _snapshot() == before


def test_an_import_chunk_folds_its_declarations(world, tmp_path):
    from rabta.customs.services.imports import COLUMNS, declarations_import

    row = {
        "declaration_number": "IMP-1",
        "item_number": "1",
        "declared_on": "2026-11-30",
        "regime": "import",
        "declaration_type": "HC",
        "collectorate": "FED-CUS-APP-KHI",
        "station": "",
        "transport_mode": "1",
        "currency": "PKR",
        "exchange_rate": "1",
        "importer_ntn": "1234567-8",
        "declarant_licence": "CHAL-1",
        "seller_name": "Seller",
        "seller_country": "CN",
        "tariff_code": "85287200",
        "description": "Televisions",
        "origin_country": "CN",
        "departure_country": "AE",
        "quantity": "1",
        "unit": "NMB",
        "net_mass_kg": "10",
        "customs_value": "1000",
        "duty_assessed": "100",
        "taxes_assessed": "17",
    }
    path = tmp_path / "one.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(row.get(name, "") for name in COLUMNS) + "\n")
    result = declarations_import(path=path, file_format="csv")
    assert result.imported == 1, result.rejects
    incremental = _snapshot()
    base = [row for row in incremental[0] if row[3] != ALL_STATIONS and row[4] != ALL_LANES]
    assert sum(row[5] for row in base if row[0] == "hour") == 1  # one filing
    rollup_rebuild()
    assert _snapshot() == incremental
    _assert_levels_add_up()
