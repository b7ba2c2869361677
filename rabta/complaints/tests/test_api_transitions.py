"""The lifecycle table, the API and the docs agree: every status × every operation of the API is
allowed exactly when the table allows it, and docs/lifecycle.md shows the same table."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from rabta.complaints.choices import Status
from rabta.complaints.models import Appeal, Complaint
from rabta.complaints.transitions import ACTIONS, ALLOWED
from rabta.core.models import Event

# API operation → (the table's action, who calls it, the body)
OPERATIONS = {
    "acknowledge": ("acknowledge", "officer", {}),
    "start": ("start", "officer", {}),
    "resolve": ("resolve", "officer", {"outcome": "relief_granted"}),
    "reject": ("reject", "officer", {"reason": "out_of_scope", "explanation": "Not a public service"}),
    "transfer": ("transfer", "officer", {"to_office": "PB-LG-HQ", "reason": "The head office handles it"}),
    "feedback": ("confirm", "citizen", {"rating": 5, "satisfied": True}),
    "reopen": ("reopen", "citizen", {"reason": "Still no water"}),
    "appeal": ("appeal", "citizen", {"reason": "The resolution is wrong"}),
    "appeal/decide": ("decide_appeal", "reviewer", {"decision": "no_relief", "reasons": "Decided on the file"}),
}


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_operation_in_every_status_is_allowed_exactly_as_the_table_says(
    verified_client, submit, world, citizen, officer_a, supervisor_a, status, operation
):
    action, caller, body = OPERATIONS[operation]
    complaint = submit()
    Complaint.objects.filter(pk=complaint.pk).update(status=status)
    # An appeal waiting for a decision, whatever the status, so that only the table decides.
    Appeal.objects.create(
        complaint=complaint, reasons="r", assigned_office=world.head_a, due_at=timezone.now() + timedelta(days=30)
    )
    events = Event.objects.for_subject(complaint).count()
    client = verified_client({"officer": officer_a, "citizen": citizen, "reviewer": supervisor_a}[caller])

    response = client.post(
        f"/api/complaints/{complaint.tracking_number}/{operation}", body, content_type="application/json"
    )

    allowed = status in ACTIONS[action].sources
    complaint.refresh_from_db()
    if allowed:
        assert response.status_code == 200, response.json()
        assert Event.objects.for_subject(complaint).filter(to_state=ACTIONS[action].to).exists()
    else:
        assert response.status_code == 409, response.json()
        assert response.json()["code"] in {"transition_not_allowed", "feedback_not_resolved"}
        assert complaint.status == status
        assert Event.objects.for_subject(complaint).count() == events


def test_acknowledging_cannot_be_skipped(verified_client, submit, officer_a):
    complaint = submit()
    client = verified_client(officer_a)
    for operation, body in (("resolve", {"outcome": "relief_granted"}), ("start", {})):
        response = client.post(
            f"/api/complaints/{complaint.tracking_number}/{operation}", body, content_type="application/json"
        )
        assert response.status_code == 409
        assert response.json()["code"] == "transition_not_allowed"
        assert "Acknowledge" in response.json()["message"]
    assert client.post(f"/api/complaints/{complaint.tracking_number}/acknowledge").status_code == 200
    response = client.post(
        f"/api/complaints/{complaint.tracking_number}/resolve",
        {"outcome": "relief_granted"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RESOLVED


def test_the_documented_table_is_the_code_table():
    text = Path(settings.BASE_DIR).parent.joinpath("docs", "lifecycle.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| `(\w+)` \| (\w+) \|", text, flags=re.M)
    documented = {name: (frozenset(re.findall(r"`(\w+)`", sources)), to, by) for name, sources, to, by in rows}
    assert documented == {name: (a.sources, a.to, a.by) for name, a in ACTIONS.items()}
    # And the status table below it.
    statuses = dict(re.findall(r"^\| `(\w+)` \| ((?:`\w+`(?:, )?)*|—) \|$", text, flags=re.M))
    assert {s: frozenset(re.findall(r"`(\w+)`", v)) for s, v in statuses.items()} == ALLOWED


def test_the_api_documents_each_operation_from_the_table(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for operation, (action, _caller, _body) in OPERATIONS.items():
        described = paths[f"/api/complaints/{{tracking_number}}/{operation}"]["post"]["description"]
        allowed = re.search(r"Allowed when the complaint is ([\w, ]+); it then becomes (\w+)\.", described)
        assert allowed, described
        assert frozenset(allowed.group(1).split(", ")) == ACTIONS[action].sources
        assert allowed.group(2) == ACTIONS[action].to
