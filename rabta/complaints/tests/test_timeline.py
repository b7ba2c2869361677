"""Who sees which event of a complaint, and how an anonymous complainant's token travels."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Complaint
from rabta.complaints.selectors import EVENT_AUDIENCE, REASON_FOR_COMPLAINANT, Audience
from rabta.core.events import event_record

pytestmark = pytest.mark.django_db


def api(client, method, path, body=None, **headers):
    if body is None:
        return getattr(client, method)(f"/api/complaints{path}", **headers)
    return getattr(client, method)(
        f"/api/complaints{path}", json.dumps(body), content_type="application/json", **headers
    )


UNKNOWN_KIND = "complaints.some_future_kind"


@pytest.fixture
def every_kind(submit, officer_a):
    """A complaint with one event of every kind there is, and one of a kind nobody has classified."""
    complaint = submit()
    with transaction.atomic():
        for kind in [*EVENT_AUDIENCE, UNKNOWN_KIND]:
            event_record(kind=kind, subject=complaint, actor=officer_a, reason=f"reason of {kind}")
    return complaint


def _kinds(client, number):
    response = api(client, "get", f"/{number}/timeline")
    assert response.status_code == 200
    return response.json()


def test_the_complainant_sees_only_events_meant_for_them(every_kind, personas, verified_client):
    rows = _kinds(verified_client(personas.citizen), every_kind.tracking_number)
    kinds = {row["kind"] for row in rows}
    assert kinds == {k for k, who in EVENT_AUDIENCE.items() if who is Audience.EVERYONE}
    assert "complaints.message_internal" not in kinds and UNKNOWN_KIND not in kinds
    planted = [row for row in rows if row["actor"] == "office"]  # the planted events, not intake's own
    # Every planted kind the complainant sees is checked: an actor shown otherwise would skip them all.
    assert len(planted) == len(kinds), planted
    for row in planted:
        expected = f"reason of {row['kind']}" if row["kind"] in REASON_FOR_COMPLAINANT else ""
        assert row["reason"] == expected, row


def test_office_staff_see_internal_events_and_oversight_sees_reveals(every_kind, personas, verified_client):
    number = every_kind.tracking_number
    officer = {row["kind"] for row in _kinds(verified_client(personas.officer_a), number)}
    assert "complaints.message_internal" in officer and UNKNOWN_KIND in officer
    assert "complaints.identity_revealed" not in officer
    oversight = {row["kind"] for row in _kinds(verified_client(personas.oversight), number)}
    assert oversight >= set(EVENT_AUDIENCE) | {UNKNOWN_KIND}


def test_an_internal_note_leaves_no_trace_for_the_complainant(submit, personas, verified_client):
    number = submit().tracking_number
    officer = verified_client(personas.officer_a)
    assert api(officer, "post", f"/{number}/notes", {"body": "Check with WASA first"}).status_code == 201
    citizen = verified_client(personas.citizen)
    assert "internal" not in api(citizen, "get", f"/{number}/timeline").content.decode()
    assert "WASA" not in api(citizen, "get", f"/{number}/messages").content.decode()


@pytest.fixture
def anonymous(client, categories):
    response = api(
        client,
        "post",
        "/anonymous",
        {"category": "PB-MUN-WATER", "jurisdiction": "PK-PB-LHR", "subject": "Bribe", "text": "The clerk wants money"},
    )
    return response.json()["anonymous_token"]


def test_the_tracking_token_travels_in_a_header_or_a_body(client, anonymous):
    assert api(client, "get", "/track", HTTP_X_TRACKING_TOKEN=anonymous).json()["status"] == "routed"
    assert api(client, "post", "/track", {"token": anonymous}).json()["status"] == "routed"
    assert api(client, "get", "/track", HTTP_X_TRACKING_TOKEN="wrong").status_code == 404
    assert api(client, "post", "/track", {"token": "wrong"}).status_code == 404


def test_a_token_in_the_url_is_refused(client, anonymous):
    response = api(client, "get", f"/track?token={anonymous}")
    assert response.status_code == 400
    assert response.json()["fields"]["token"][0]["code"] == ComplaintsError.TOKEN_IN_URL
    assert Complaint.objects.count() == 1


def test_every_event_kind_a_complaint_service_writes_has_a_declared_audience():
    """A new kind defaults to office-only, which is safe but can hide from complainants what they
    should see: each kind written on a complaint is classified on purpose."""
    import re
    from pathlib import Path

    import rabta.complaints

    root = Path(rabta.complaints.__file__).parent
    sources = [*root.glob("services/*.py"), *root.glob("*.py")]
    written = {kind for path in sources for kind in re.findall(r'"(complaints\.[a-z_]+)"', path.read_text())}
    other_subjects = {kind for kind in written if kind.split(".", 1)[1].startswith(("standing_", "officer_audit_"))}
    assert sorted(written - other_subjects - set(EVENT_AUDIENCE)) == []
