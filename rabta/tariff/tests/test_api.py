from __future__ import annotations

import pytest

from rabta.core.models import Event
from rabta.tariff.models import DutyRate, TariffChange

pytestmark = pytest.mark.django_db

RATE = {"code": "84713010", "duty": "rd", "basis": "ad_valorem", "percent": "15", "valid_from": "2025-07-01"}


def test_anyone_searches_the_tariff_in_either_language(client, tariff):
    english = client.get("/api/tariff/search", {"q": "smartphones value"})
    urdu = client.get("/api/tariff/search", {"q": "اسمارٹ فون"})
    assert english.status_code == 200
    assert [row["code"] for row in english.json()][:3] == ["851713001001", "851713001002", "851713001003"]
    assert urdu.json()[0]["code"] == "851713" and urdu.json()[0]["description_ur"] == "اسمارٹ فون"


@pytest.mark.parametrize(
    ("params", "field", "code"), [({"q": " "}, "q", "query_empty"), ({"q": "x", "on": "2024-02-30"}, "on", None)]
)
def test_bad_search_input_names_the_field(client, tariff, params, field, code):
    response = client.get("/api/tariff/search", params)
    assert response.status_code in (400, 422)
    body = response.json()
    assert field in body["fields"]
    if code:
        assert body["fields"][field][0]["code"] == code


def test_a_code_shows_the_duties_and_measures_in_force_on_the_day_asked(client, tariff):
    before = client.get("/api/tariff/codes/8517.1300.1002", {"on": "2023-06-30"}).json()
    after = client.get("/api/tariff/codes/851713001002", {"on": "2023-07-01"}).json()

    def rates(body):
        return {rate["duty"]: (rate["set_on"], rate["percent"] or rate["amount"]) for rate in body["rates"]}

    assert rates(before) == {"rd": ("851713001002", "3200.00"), "st": ("85171300", "17.000")}
    assert rates(after)["st"] == ("85171300", "25.000")
    assert after["code"]["display"] == "8517.1300.1002" and after["in_force"] is True
    assert [m["document"] for m in after["measures"]] == ["PTA-TYPE-APPROVAL"]
    assert [a["code"] for a in after["ancestors"]][:2] == ["85", "8517"]


def test_history_lists_past_rates(client, tariff):
    body = client.get("/api/tariff/codes/84713010/history").json()
    assert [(r["duty"], r["percent"], r["valid_to"]) for r in body["rates"] if r["duty"] == "st"] == [
        ("st", "18.000", None),
        ("st", "17.000", "2022-06-30"),
    ]


@pytest.mark.parametrize(
    ("path", "status", "code"), [("99999999", 404, "not_found"), ("84x1", 400, "validation_error")]
)
def test_unknown_and_malformed_codes(client, tariff, path, status, code):
    response = client.get(f"/api/tariff/codes/{path}")
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_two_officers_propose_and_approve_through_the_api(verified_client, tariff, proposer, approver):
    client = verified_client(proposer)
    created = client.post(
        "/api/tariff/changes",
        {"kind": "rate_add", "reason": "Finance Act 2025", "data": RATE},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    change_id = created.json()["id"]
    own = client.post(f"/api/tariff/changes/{change_id}/approve", {}, content_type="application/json")
    assert (own.status_code, own.json()["fields"]) == (403, {}) and own.json()["code"] == "own_proposal"

    client = verified_client(approver)
    listed = client.get("/api/tariff/changes", {"status": "proposed"}).json()
    approved = client.post(f"/api/tariff/changes/{change_id}/approve", {"note": "ok"}, content_type="application/json")

    assert [row["id"] for row in listed] == [change_id]
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert DutyRate.objects.filter(code__code="84713010", duty="rd", percent=15).exists()


def test_a_bad_proposal_names_the_field_and_changes_nothing(verified_client, tariff, proposer):
    events = Event.objects.count()
    response = verified_client(proposer).post(
        "/api/tariff/changes",
        {"kind": "rate_add", "reason": "x", "data": {**RATE, "percent": "-1"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["percent"][0]["code"] == "rate_negative"
    assert (Event.objects.count(), TariffChange.objects.count()) == (events, 0)


def test_a_citizen_cannot_see_or_decide_proposals(verified_client, tariff, proposer, citizen):
    from rabta.tariff.services.changes import tariff_change_propose

    change = tariff_change_propose(actor=proposer, kind="rate_add", data=RATE, reason="Finance Act")
    client = verified_client(citizen)
    assert client.get("/api/tariff/changes").json() == []
    assert client.get(f"/api/tariff/changes/{change.pk}").status_code == 404
    assert (
        client.post(f"/api/tariff/changes/{change.pk}/approve", {}, content_type="application/json").status_code == 404
    )
