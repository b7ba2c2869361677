"""Accountability actions through the API (/api/accountability/actions): record, list with
filters, read with evidence and timeline, move on; errors name the field; the evidence lists
complaints by tracking number only; list query counts do not grow with the page."""

from __future__ import annotations

import json

import pytest

from rabta.accountability.models import AccountabilityAction, OfficerAudit
from rabta.accountability.tests.actions import record
from rabta.complaints.choices import Anonymity

pytestmark = pytest.mark.django_db
BODY = {
    "kind": "suspension",
    "office": "PB-LG-LHR",
    "authority": "Chief Secretary Punjab",
    "grounds": "Fake resolutions.",
    "taken_on": "2026-11-02",
}


def post(client, path, body):
    return client.post(f"/api/accountability{path}", json.dumps(body), content_type="application/json")


def test_oversight_records_and_moves_an_action_and_the_officer_reads_it(verified_client, oversight, officer_a, submit):
    hidden = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    audit = OfficerAudit.objects.create(complaint=hidden, officer=officer_a, reason="appealed")
    client = verified_client(oversight)
    created = post(
        client,
        "/actions",
        {**BODY, "officer": officer_a.pk, "complaints": [hidden.tracking_number], "audits": [audit.pk]},
    )
    assert created.status_code == 201, created.content
    action = created.json()
    assert action["complaints"] == [hidden.tracking_number] and action["audits"][0]["id"] == audit.pk
    assert action["officer"] == "Officer of A" and action["status"] == "open"
    text = created.content.decode()
    assert hidden.complainant.full_name not in text and hidden.complainant.email not in text
    replied = post(client, f"/actions/{action['id']}/reply", {"reply": "On leave.", "replied_on": "2026-11-04"})
    assert replied.json()["status"] == "replied"
    assert [row["to_state"] for row in replied.json()["timeline"]] == ["open", "replied"]
    mine = verified_client(officer_a).get(f"/api/accountability/actions/{action['id']}")
    assert mine.status_code == 200 and mine.json()["audits"] == []  # audits are oversight's to read
    listed = verified_client(officer_a).get("/api/accountability/actions").json()
    assert [row["id"] for row in listed] == [action["id"]]


def test_bad_input_names_the_field_and_changes_nothing(verified_client, oversight):
    client = verified_client(oversight)
    unknown = post(client, "/actions", {**BODY, "kind": "sacking"})
    assert (unknown.status_code, unknown.json()["fields"]["kind"][0]["code"]) == (422, "enum")
    elsewhere = post(client, "/actions", {**BODY, "office": "SD-LG-KHI", "complaints": ["PB-X"], "grounds": ""})
    fields = {name: problems[0]["code"] for name, problems in elsewhere.json()["fields"].items()}
    assert elsewhere.status_code == 400
    assert fields == {
        "office": "action_office_unknown",
        "grounds": "action_text_required",
        "complaints": "action_evidence_unknown",
    }
    assert AccountabilityAction.objects.count() == 0
    reversed_period = client.get("/api/accountability/actions", {"since": "2026-12-01", "until": "2026-11-01"})
    assert (reversed_period.status_code, list(reversed_period.json()["fields"])) == (400, ["until"])


def test_the_list_filters(verified_client, oversight, officer_a):
    warning = record(oversight, kind="warning", officer_id=officer_a.pk)
    record(oversight, kind="commendation")
    client = verified_client(oversight)
    assert [r["id"] for r in client.get("/api/accountability/actions", {"kind": "warning"}).json()] == [warning.pk]
    assert [r["id"] for r in client.get("/api/accountability/actions", {"officer": officer_a.pk}).json()] == [
        warning.pk
    ]
    assert client.get("/api/accountability/actions", {"office": "SD-LG-KHI"}).json() == []
    assert len(client.get("/api/accountability/actions", {"until": "2026-11-02"}).json()) == 2
    assert client.get("/api/accountability/actions", {"since": "2026-11-03"}).json() == []


def test_the_list_query_count_does_not_grow_with_the_page(
    verified_client, oversight, officer_a, django_assert_num_queries
):
    record(oversight, officer_id=officer_a.pk)
    client = verified_client(oversight)
    # session, user, second factor, roles (middleware), the page
    with django_assert_num_queries(5) as one:
        assert len(client.get("/api/accountability/actions").json()) == 1
    count = len(one.captured_queries)
    for _ in range(4):
        record(oversight, officer_id=officer_a.pk)
    with django_assert_num_queries(count):
        assert len(client.get("/api/accountability/actions").json()) == 5
