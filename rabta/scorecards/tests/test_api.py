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


# --- GET /api/scorecards/live: the live dashboard's figures --------------------------------------

LIVE = "/api/scorecards/live"


@pytest.fixture
def watching(world, citizen, officer_a, submit, supervisor_a):
    """A supervisor's client, the roll-ups folded up to now, and the live fold's turn free."""
    from django.core.cache import cache

    from rabta.api.testing.matrix import signed_in
    from rabta.core.models import Event
    from rabta.scorecards.models import FoldCursor

    submit()
    last = Event.objects.order_by("id").values_list("id", flat=True).last() or 0
    rollup_fold_all(settle=NOW)
    FoldCursor.objects.filter(pk=1).update(last_event_id=last)
    cache.clear()
    return signed_in(supervisor_a)


def _poll(client, etag="", **params):
    from django.core.cache import cache

    from rabta.scorecards import services

    cache.delete(services._LIVE_FOLD_KEY)  # each poll here is a second after the last one
    return client.get(LIVE, params, HTTP_IF_NONE_MATCH=etag) if etag else client.get(LIVE, params)


def test_a_complaints_move_reaches_the_next_poll_without_a_reload(watching, submit, django_capture_on_commit_callbacks):
    first = _poll(watching)
    assert first.status_code == 200
    body = first.json()
    assert body["totals"]["received"] == 1 and body["backlog"]["pending"] == 1
    assert body["unit"]["level"] == "nation" and len(body["series"]) == 90
    etag = first["ETag"]
    assert _poll(watching, etag).status_code == 304  # nothing moved: an empty answer
    submit(subject="A second complaint")
    with django_capture_on_commit_callbacks(execute=True):
        moved = _poll(watching, etag)  # the poll folds the new events, and the fold bumps the topic
    assert moved.status_code in (200, 304)
    if moved.status_code == 304:  # the bump lands once the fold commits: the next poll sees it
        moved = _poll(watching, etag)
    assert moved.status_code == 200 and moved["ETag"] != etag
    assert moved.json()["totals"]["received"] == 2 and moved.json()["backlog"]["pending"] == 2


def test_viewers_of_the_same_filters_share_one_built_answer(watching, oversight, django_assert_max_num_queries):
    from rabta.api.testing.matrix import signed_in

    first = _poll(watching)
    other = signed_in(oversight)
    with django_assert_max_num_queries(8):  # the session, the user, the roles, the fold's look: no figures
        second = _poll(other)
    assert second.status_code == 200 and second.content == first.content and second["ETag"] == first["ETag"]


def test_the_live_figures_filter_by_government_and_department(watching, world):
    government = world.office_a.department.government.code
    department = world.office_a.department.code
    by_government = _poll(watching, government=government).json()
    assert by_government["unit"] == {"level": "government", "id": government, "name": by_government["unit"]["name"]}
    assert by_government["totals"]["received"] == 1
    by_department = _poll(watching, government=government, department=department).json()
    assert by_department["unit"]["id"] == department and by_department["totals"]["received"] == 1
    other = world.office_b.department.government.code
    assert _poll(watching, government=other).json()["totals"]["received"] == 0


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"government": "NOPE"}, 404, None),
        ({"department": "NOPE"}, 404, None),
        ({"start": "2026-05-02", "end": "2026-05-01"}, 422, "end"),
        ({"start": "2016-05-02", "end": "2026-05-01"}, 422, "end"),
        ({"measure": "happiness"}, 400, "measure"),
        ({"start": "yesterday"}, 422, None),
    ],
)
def test_bad_live_filters_are_clear_errors_never_a_500(watching, params, status, field):
    response = _poll(watching, **params)
    assert response.status_code == status
    if field:
        assert field in response.json()["fields"]


def test_a_department_of_another_government_is_not_found(watching, world):
    response = _poll(
        watching,
        government=world.office_b.department.government.code,
        department=world.office_a.department.code,
    )
    assert response.status_code == 404
