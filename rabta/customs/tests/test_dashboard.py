"""The clearance dashboard: roll-ups against hand-computed figures, a rebuild equal to the
incremental roll-ups on random histories, scope, the live ETag/304 and the exports."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs import dashboard
from rabta.customs.choices import Outcome, Stage
from rabta.customs.services import clearance
from rabta.customs.services.declarations import declaration_file, lane_assign
from rabta.customs.services.rollups import bucket_bounds, bucket_of
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
    assert panels["backlog_by_office"] == [
        {
            **dict.fromkeys(backlog, 0),
            "collectorate": world.collectorate.name,
            "port": "",
            "lane_assigned": 1,
            "waiting": 1,
        }
    ]
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
        # totals and series (one read of the periods), lanes, release times, per office, the backlog
        # (both its tables), the offices' names (for both per-office tables), complaints: the same
        # whatever the number of declarations.
        with django_assert_num_queries(7):
            dashboard.dashboard_panels(filters=filters)


def test_the_navigation_links_the_dashboard_for_those_who_have_one(world, examiner, customs_manager, verified_client):
    def nav(user) -> str:
        page = verified_client(user).get("/en/customs/declarations/").content.decode()
        return page[page.index('<nav class="site-nav"') : page.index("</nav>")]

    assert "/en/customs/dashboard/" in nav(customs_manager)
    assert "/en/customs/dashboard/" not in nav(examiner)  # declarations, but no dashboard
    assert "/en/customs/declarations/" in nav(examiner)
    punjab = make_user("ov.pb@gov.pk", "Punjab oversight", (Role.OVERSIGHT, None, world.gov_punjab))
    assert "/en/customs/dashboard/" not in nav(punjab)  # no customs office in its reach


def test_a_port_reads_its_own_rows_and_the_collectorate_sums_its_ports(world, trader, customs_manager, station):
    port = station
    with time_machine.travel(T0, tick=False):
        at_port = declaration_file(data=declaration_input(number="P-1", station=port.code), actor=trader).declaration
    _file(trader, "C-1", T0 + timedelta(minutes=5), lane="red")
    _file(trader, "C-2", T0 + timedelta(minutes=6))
    _clear(at_port, assessed_at=T0 + timedelta(hours=1), released_at=T0 + timedelta(hours=2))

    whole = _panels(customs_manager)
    assert whole["totals"]["filed"] == 3 and whole["totals"]["released"] == 1
    assert {row["lane"]: row["declarations"] for row in whole["lanes"]} == {"green": 3, "red": 0}
    assert [(row["port"], row["filed"], row["released"]) for row in whole["by_office"]] == [
        ("", 2, 0),
        ("Port Qasim", 1, 1),
    ]
    assert [(row["port"], row["lane_assigned"], row["waiting"]) for row in whole["backlog_by_office"]] == [("", 2, 2)]
    stages = {row["stage"]: row["declarations"] for row in whole["release_times"]}
    assert stages[Stage.FILING_ASSESSMENT] == 1

    one = _panels(customs_manager, collectorate=world.collectorate.code, port=port.code)
    assert one["totals"]["filed"] == 1 and one["totals"]["released"] == 1
    assert {row["lane"]: row["declarations"] for row in one["lanes"]} == {"green": 1}
    assert [row["port"] for row in one["by_office"]] == ["Port Qasim"]
    assert one["backlog_by_office"] == [] and sum(row["declarations"] for row in one["backlog"]) == 0
    assert {row["stage"]: row["declarations"] for row in one["release_times"]}[Stage.FILING_ASSESSMENT] == 1
