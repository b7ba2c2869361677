"""GET /api/scorecards/governments: the published measures per government, without a login."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.scorecards.errors import ScorecardsError
from rabta.scorecards.services import rollup_fold_all
from rabta.scorecards.tests.test_services import NOW, history

URL = "/api/scorecards/governments"


def test_the_measures_of_each_government_are_public(
    client, world, citizen, officer_a, submit, django_assert_num_queries
):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    first = timezone.localdate(start)
    with django_assert_num_queries(2):
        response = client.get(URL, {"start": first.isoformat(), "end": (first + timedelta(days=30)).isoformat()})
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    punjab = rows[world.office_a.department.government.code]
    assert (punjab["received"], punjab["resolved"], punjab["satisfaction_rate"]) == (3, 2, 0.5)
    assert (punjab["median_days"], punjab["p90_days"]) == ("2-3", "8-15")
    others = [row for code, row in rows.items() if code != world.office_a.department.government.code]
    assert others and all(row["received"] == 0 and row["resolution_rate"] is None for row in others)
    # Statistics only: no complaint, person or office below the government is named.
    assert "Ayesha" not in response.content.decode()


def test_a_period_the_wrong_way_round_is_a_422_naming_the_field(client, db):
    response = client.get(URL, {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 422
    assert response.json()["fields"]["end"][0]["code"] == ScorecardsError.DATE_RANGE_INVERTED


def test_a_date_that_is_not_one_is_refused_not_a_500(client, db):
    response = client.get(URL, {"start": "yesterday"})
    assert 400 <= response.status_code < 500


def test_a_units_scorecard_drills_down_in_a_fixed_number_of_queries(
    client, world, citizen, officer_a, submit, django_assert_max_num_queries
):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    first = timezone.localdate(start).isoformat()
    with django_assert_max_num_queries(6):
        response = client.get("/api/scorecards/nation/pk", {"start": first})
    assert response.status_code == 200
    body = response.json()
    assert body["measures"]["received"] == 3 and body["backlog"]["pending"] == 1
    governments = {child["unit"]["id"]: child for child in body["children"] if child["unit"]["level"] == "government"}
    assert governments["PB"]["measures"]["received"] == 3
    # Statistics only: no complaint, tracking number or person in the published card.
    assert "Ayesha" not in response.content.decode() and "RB-" not in response.content.decode()
    office = client.get("/api/scorecards/office/PB-LG-LHR", {"start": first}).json()
    assert office["measures"]["resolved"] == 2 and office["children"] == []


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/scorecards/planet/x", 404, "level"),
        ("/api/scorecards/office/NOPE", 404, None),
        ("/api/scorecards/nation/pk?start=2026-05-02&end=2026-05-01", 422, "end"),
        ("/api/scorecards/nation/pk?start=2016-05-02&end=2026-05-01", 422, "end"),
        ("/api/scorecards/league?start=2016-05-02&end=2026-05-01", 422, "end"),
        ("/api/scorecards/office/PB-LG-LHR/categories?start=2026-05-02&end=2026-05-01", 422, "end"),
        ("/api/scorecards/league?measure=happiness", 400, "measure"),
        ("/api/scorecards/league?min_sample=0", 400, "min_sample"),
        ("/api/scorecards/office/NOPE/categories", 404, None),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_field(client, world, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    if field and status == 404:
        assert response.json()["message"].startswith(f"{field}:")
    elif field:
        assert field in response.json()["fields"]


def test_the_complaints_behind_a_figure_are_staffs_within_scope(world, citizen, officer_a, officer_b, submit):
    from rabta.api.testing.matrix import signed_in

    complaint = submit()
    url = "/api/scorecards/office/PB-LG-LHR/complaints"
    mine = signed_in(officer_a).get(url, {"figure": "pending"})
    assert mine.status_code == 200
    assert [row["tracking_number"] for row in mine.json()] == [complaint.tracking_number]
    assert signed_in(officer_b).get(url).status_code == 404
    assert signed_in(officer_a).get(url, {"figure": "all"}).json()["fields"]["figure"]
