"""The clearance dashboard: roll-ups against hand-computed figures, a rebuild equal to the
incremental roll-ups on random histories, scope, the live ETag/304 and the exports."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs import dashboard
from rabta.customs.choices import Outcome, Stage
from rabta.customs.models import ClearanceDurationRollup, ClearanceRollup
from rabta.customs.services import clearance
from rabta.customs.services.declarations import declaration_file, lane_assign
from rabta.customs.services.rollups import bucket_bounds, bucket_of, quantile, rollup_rebuild
from rabta.customs.tests.conftest import declaration_input, item

PKT = ZoneInfo("Asia/Karachi")
T0 = datetime(2026, 12, 7, 8, 0, tzinfo=PKT)


def _file(trader, number, at, *, arrived=None, lane=None, duty="1000.00"):
    with time_machine.travel(at, tick=False):
        declaration = declaration_file(
            data=declaration_input(
                number=number,
                arrived_at=arrived,
                currency="PKR",
                exchange_rate=Decimal(1),
                items=[item(duty_assessed=Decimal(duty), taxes_assessed=Decimal(0))],
            ),
            actor=trader,
        ).declaration
        if lane:
            lane_assign(declaration=declaration, lane=lane)
    return declaration


def _clear(declaration, *, assessed_at, released_at, examine=None):
    if examine is not None:
        with time_machine.travel(assessed_at - timedelta(minutes=30), tick=False):
            clearance.declaration_examine(
                declaration=declaration,
                actor=None,
                outcome=examine[0],
                discrepancy_type=examine[1],
                extra_duty=examine[2],
            )
    with time_machine.travel(assessed_at, tick=False):
        declaration = clearance.declaration_assess(declaration=declaration, actor=None)
    with time_machine.travel(assessed_at + timedelta(minutes=1), tick=False):
        declaration = clearance.declaration_record_payment(
            declaration=declaration, actor=None, amount=declaration.assessed_amount
        )
    with time_machine.travel(released_at, tick=False):
        return clearance.declaration_release(declaration=declaration, actor=None)


def _panels(user, **filters):
    with time_machine.travel(T0 + timedelta(hours=10), tick=False):
        return dashboard.dashboard_panels(filters=dashboard.dashboard_filters(user=user, **filters))


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


def test_panels_against_hand_computed_figures(world, trader, customs_manager):
    # Given three declarations filed at 08:00, 08:30 and 09:10: two green and one red (re-routed).
    first = _file(trader, "D-1", T0, arrived=T0 - timedelta(hours=2))
    second = _file(trader, "D-2", T0 + timedelta(minutes=30))
    third = _file(trader, "D-3", T0 + timedelta(minutes=70), lane="red")
    # When the first is assessed 2 h after filing and released 1 h later, and the red one is
    # examined (a discrepancy raising 500 of extra duty), assessed 4 h after filing and released 4 h later.
    _clear(first, assessed_at=T0 + timedelta(hours=2), released_at=T0 + timedelta(hours=3))
    _clear(
        third,
        assessed_at=T0 + timedelta(minutes=70, hours=4),
        released_at=T0 + timedelta(minutes=70, hours=8),
        examine=(Outcome.DISCREPANCY, "undervaluation", Decimal("500.00")),
    )
    panels = _panels(customs_manager)

    totals = panels["totals"]
    assert totals["filed"] == 3
    assert totals["released"] == 2
    assert totals["examined"] == 1 and totals["detections"] == 1 and totals["hit_rate"] == 1.0
    # Duty: 1000 on the first; 1000 + 500 extra on the third.
    assert totals["duty_collected"] == 2500.0
    assert totals["extra_duty"] == 500.0
    assert totals["rerouted"] == 1
    filed = {row["period"][:16]: row["filed"] for row in panels["filed_series"] if row["filed"]}
    assert filed == {"2026-12-07T08:00": 2, "2026-12-07T09:00": 1}
    assert {row["lane"]: row["declarations"] for row in panels["lanes"]} == {"green": 3, "red": 0}
    stages = {row["stage"]: row for row in panels["release_times"]}
    # One arrival-to-filing of exactly 2 h: its median lies inside the bucket holding 7200 s.
    low, high = bucket_bounds(bucket_of(7200))
    assert low / 3600 - 0.01 <= stages[Stage.ARRIVAL_FILING]["median_hours"] <= high / 3600 + 0.01
    assert stages[Stage.FILING_ASSESSMENT]["declarations"] == 2
    # Filing to assessment: 2 h and 4 h; the median (rank 1) is the upper bound of 2 h's bucket.
    assert stages[Stage.FILING_ASSESSMENT]["median_hours"] == round(bucket_bounds(bucket_of(7200))[1] / 3600, 2)
    assert stages[Stage.FILING_ASSESSMENT]["mean_hours"] == 3.0
    # Total: from arrival (06:00) to release (11:00) = 5 h for the first; filing to release 8 h for the third.
    assert stages[Stage.TOTAL]["declarations"] == 2
    assert stages[Stage.TOTAL]["mean_hours"] == 6.5
    backlog = {row["status"]: row["declarations"] for row in panels["backlog"]}
    assert backlog["lane_assigned"] == 1 and sum(backlog.values()) == 1
    assert second.number == "D-2"


def test_complaint_statistics_count_women_and_youth_led_without_identities(world, citizen, customs_manager):
    from rabta.complaints.models import Category, Complaint, DeadlinePolicy
    from rabta.complaints.services.intake import complaint_submit

    Category.objects.create(code="CUS-DELAY", name="Clearance delay", department=world.customs, is_customs=True)
    Category.objects.create(code="PB-MUN-WATER", name="Water supply", department=world.lg_punjab)
    DeadlinePolicy.objects.create()
    made = []
    with time_machine.travel(T0, tick=False):
        for index in range(5):
            code = "PB-MUN-WATER" if index == 4 else "CUS-DELAY"
            made.append(
                complaint_submit(
                    complainant=citizen,
                    category_code=code,
                    jurisdiction_code="PK-SD-KHI" if code == "CUS-DELAY" else "PK-PB-LHR",
                    subject=f"Goods held {index}",
                    text="The consignment has waited at the port for ten days.",
                ).complaint.pk
            )
    # The flags are intake's, from the business's profile; set here as test data.
    for pk, (women, youth) in zip(
        made, ((True, False), (True, True), (False, False), (False, True), (True, True)), strict=True
    ):
        Complaint.objects.filter(pk=pk).update(
            collectorate=world.collectorate, flag_women_led=women, flag_youth_led=youth
        )
    rows = _panels(customs_manager)["complaints"]
    # The water complaint is not a customs one, whatever its collectorate says.
    assert rows == [
        {
            "collectorate": world.collectorate.name,
            "complaints": 4,
            "women_led": 2,
            "women_led_share": 0.5,
            "youth_led": 2,
            "youth_led_share": 0.5,
        }
    ]


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


def test_a_collectorate_outside_the_managers_reach_is_not_found(
    world, customs_manager, other_collectorate, verified_client
):
    from rabta.core.errors import NotFound

    with pytest.raises(NotFound):
        dashboard.dashboard_filters(user=customs_manager, collectorate=other_collectorate.code)
    client = verified_client(customs_manager)
    assert client.get(f"/en/customs/dashboard/?collectorate={other_collectorate.code}").status_code == 404
    assert client.get(f"/api/customs/dashboard/panels?collectorate={other_collectorate.code}").status_code == 404
    assert client.get(f"/en/customs/dashboard/?collectorate={world.collectorate.code}").status_code == 200


def test_who_has_a_dashboard(world, trader, customs_manager, examiner, other_collectorate):
    assert dashboard.dashboard_collectorates(trader) is None
    assert dashboard.dashboard_collectorates(examiner) is None
    assert list(dashboard.dashboard_collectorates(customs_manager)) == [world.collectorate]
    analyst = make_user("risk@customs.gov.pk", "Risk Analyst", (Role.RISK_ANALYST, None, None))
    assert set(dashboard.dashboard_collectorates(analyst)) == {world.collectorate, other_collectorate}


def test_the_page_needs_a_login_and_others_read_it_as_missing(client, verified_client, trader):
    assert client.get("/en/customs/dashboard/").status_code == 302
    client = verified_client(trader)
    assert client.get("/en/customs/dashboard/").status_code == 404


def test_polls_are_304_until_a_move_commits(
    world, trader, customs_manager, verified_client, django_capture_on_commit_callbacks
):
    client = verified_client(customs_manager)
    page = client.get("/ur/customs/dashboard/")
    assert page.status_code == 200
    etag, url = page.context["etag"], page.context["panels_url"]
    assert url == "/api/customs/dashboard/panels?lang=ur"
    # The page's own tag: the first poll is a 304 when nothing changed.
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        _file(trader, "LIVE-1", T0)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_exports(world, trader, customs_manager, verified_client, fmt):
    _file(trader, "X-1", T0)
    client = verified_client(customs_manager)
    for panel in ("filed_series", "lanes", "release_times", "by_office", "backlog", "complaints"):
        response = client.get(f"/en/customs/dashboard/export/{panel}/?format={fmt}")
        assert response.status_code == 200, panel
        assert f"clearance-{panel}" in response["Content-Disposition"]
    assert client.get("/en/customs/dashboard/export/nope/?format=csv").status_code == 404


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
    assert sum(row[5] for row in incremental[0] if row[0] == "hour") == 1  # one filing
    rollup_rebuild()
    assert _snapshot() == incremental


def test_an_unknown_window_is_named(world, customs_manager, verified_client):
    client = verified_client(customs_manager)
    page = client.get("/en/customs/dashboard/?window=5y")
    assert page.status_code == 200 and page.context["problem"]
    answer = client.get("/api/customs/dashboard/panels?window=5y")
    assert answer.status_code == 400 and "window" in answer.json()["fields"]


def test_the_panels_cost_a_fixed_number_of_queries(world, trader, customs_manager, django_assert_num_queries):
    for index in range(3):
        _file(trader, f"Q-{index}", T0 + timedelta(minutes=index))
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        filters = dashboard.dashboard_filters(user=customs_manager)
        # totals, series, lanes, release times, per office (+ their names), backlog, complaints:
        # the same whatever the number of declarations.
        with django_assert_num_queries(8):
            dashboard.dashboard_panels(filters=filters)
