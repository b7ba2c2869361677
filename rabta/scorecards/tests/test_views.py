"""The scorecards' pages: public without a login, in English and Urdu, with their exports, and the
staff's list of the complaints behind a figure (404 outside scope)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.api.testing.matrix import signed_in
from rabta.scorecards.services import rollup_fold_all
from rabta.scorecards.tests.test_services import NOW, history


@pytest.fixture
def folded(world, citizen, officer_a, submit):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    return timezone.localdate(start)


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize(
    "path",
    [
        "",
        "definitions/",
        "league/",
        "nation/pk/",
        "government/PB/",
        "department/PB-LG/",
        "office/PB-LG-LHR/",
        "province/PK-PB/",
        "district/PK-PB-LHR/",
    ],
)
def test_every_public_page_opens_without_a_login(client, folded, language, path):
    response = client.get(f"/{language}/scorecards/{path}", {"start": folded.isoformat()})
    assert response.status_code == 200
    assert "Ayesha" not in response.content.decode()


def test_the_public_page_shows_each_government_and_department(client, folded):
    page = client.get("/en/scorecards/", {"start": folded.isoformat()}).content.decode()
    assert "Government of the Punjab" in page and "Local Government Department" in page
    assert "50.0%" in page  # Punjab's satisfaction rate: one satisfied of two rated
    assert "Lahore" in page  # the district tile


def test_a_table_downloads_as_csv_with_the_filters_applied(client, folded):
    response = client.get("/en/scorecards/", {"start": folded.isoformat(), "export": "governments", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    punjab = next(row for row in rows if row["Code"] == "PB")
    assert punjab["Received"] == "3" and punjab["Satisfaction rate"] == "0.5"
    later = client.get(
        "/en/scorecards/",
        {"start": (folded + timedelta(days=40)).isoformat(), "export": "governments", "format": "csv"},
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(later.streaming_content).decode("utf-8-sig"))))
    assert next(row for row in rows if row["Code"] == "PB")["Received"] == "0"


def test_the_league_and_a_units_tables_download_as_excel(client, folded):
    for url in ("/en/scorecards/league/", "/en/scorecards/nation/pk/"):
        response = client.get(url, {"start": folded.isoformat(), "export": "children", "format": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_suppressed_group_is_exported_without_figures(client, folded, settings):
    settings.RABTA_SCORECARD_MIN_CELL = 5
    response = client.get("/en/scorecards/nation/pk/", {"export": "groups", "format": "csv", "start": folded})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows and all(row["Received"] == "" for row in rows)


def test_a_reversed_period_is_shown_next_to_its_field(client, db):
    response = client.get("/en/scorecards/", {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 422
    assert "must not be before" in response.content.decode()


@pytest.mark.parametrize("path", ["planet/x/", "office/NOPE/", "report/2026-13/"])
def test_an_unknown_unit_or_month_is_not_found(client, db, path):
    assert client.get(f"/en/scorecards/{path}").status_code == 404


def test_the_monthly_report_prints(client, folded):
    response = client.get(f"/en/scorecards/report/{folded.year}-{folded.month:02d}/")
    assert response.status_code == 200
    assert "Registered complainants by type" in response.content.decode()


def test_staff_in_scope_follow_a_figure_to_its_complaints(folded, officer_a, officer_b):
    page = signed_in(officer_a).get("/en/scorecards/office/PB-LG-LHR/")
    assert "/en/scorecards/office/PB-LG-LHR/complaints/?figure=over_90" in page.content.decode()
    listed = signed_in(officer_a).get("/en/scorecards/office/PB-LG-LHR/complaints/", {"figure": "pending"})
    assert listed.status_code == 200 and "RB-" in listed.content.decode()
    assert signed_in(officer_b).get("/en/scorecards/office/PB-LG-LHR/complaints/").status_code == 404
    assert "complaints/?figure" not in signed_in(officer_b).get("/en/scorecards/office/PB-LG-LHR/").content.decode()


def test_the_public_never_sees_the_complaints_behind_a_figure(client, folded, citizen):
    assert client.get("/en/scorecards/office/PB-LG-LHR/complaints/").status_code == 302  # to sign in
    assert signed_in(citizen).get("/en/scorecards/office/PB-LG-LHR/complaints/").status_code == 403


# --- The live dashboard ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_live_dashboard_opens_for_senior_management(folded, supervisor_a, language):
    response = signed_in(supervisor_a).get(f"/{language}/scorecards/live/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-live-url="/api/scorecards/live?' in page and "data-live-etag" in page
    assert "vendor/echarts/echarts.min.js" in page and 'id="live-trend"' in page  # the chart and its table
    assert 'data-tile="PK-PB-LHR"' in page
    if language == "ur":
        assert 'dir="rtl"' in page


def test_the_live_dashboard_is_not_for_other_roles(client, folded, officer_a):
    assert client.get("/en/scorecards/live/").status_code == 302  # to the sign-in page
    assert signed_in(officer_a).get("/en/scorecards/live/").status_code == 403


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"government": "NOPE"}, 404),
        ({"department": "NOPE"}, 404),
        ({"start": "2026-05-02", "end": "2026-05-01"}, 422),
        ({"start": "2016-05-02", "end": "2026-05-01"}, 422),
    ],
)
def test_bad_live_filters_are_clear_errors(folded, supervisor_a, params, status):
    response = signed_in(supervisor_a).get("/en/scorecards/live/", params)
    assert response.status_code == status
