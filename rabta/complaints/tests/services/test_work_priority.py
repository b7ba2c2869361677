"""Priority comes from policy (the category, the flags derived at intake), never from the
complainant; the handling office changes it with a reason, as an event."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from rabta.api.errors import status_for
from rabta.complaints.choices import Priority, Status
from rabta.complaints.models import Complaint
from rabta.complaints.services import work
from rabta.core.errors import DomainError
from rabta.core.models import Event

ORDER = [Priority.NORMAL, Priority.HIGH, Priority.URGENT]
LATIN = ["Ayesha", "Bilal", "Zainab", "Imran", "Fatima", "Usman", "Sana", "Hamza"]
URDU = ["عائشہ", "بلال", "زینب", "عمران", "فاطمہ", "عثمان", "ثنا", "حمزہ"]
SENT = ["urgent", "high", "URGENT", "Urgent", "normal", "", None, 3, "critical", ["urgent"], {"level": "urgent"}]


@pytest.mark.parametrize("seed", range(12))
def test_a_complainant_sent_priority_is_ignored_and_policy_decides(client, citizen, categories, seed):
    rng = random.Random(seed)
    profile = citizen.complainant_profile
    profile.has_disability = rng.random() < 0.4
    profile.birth_year = timezone.now().year - rng.choice([25, 45, 59, 60, 75])
    profile.gender = rng.choice(["woman", "man", ""])
    profile.save()
    category = categories.water
    category.priority = rng.choice(ORDER)
    category.save()
    name = f"{rng.choice(LATIN)} {rng.choice(URDU)}"
    sent = rng.choice(SENT)
    client.force_login(citizen)
    response = client.post(
        "/api/complaints",
        {
            "category": category.code,
            "jurisdiction": "PK-PB-LHR",
            "subject": f"Water, from {name}",
            "text": f"{name}: no water for a week.",
            "priority": sent,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    needs_quick_answer = profile.has_disability or profile.is_senior
    expected = max([category.priority, Priority.HIGH if needs_quick_answer else Priority.NORMAL], key=ORDER.index)
    assert response.json()["priority"] == expected, (sent, category.priority, needs_quick_answer)
    assert Complaint.objects.get(tracking_number=response.json()["tracking_number"]).priority == expected


def test_the_submission_schema_does_not_offer_a_priority(client):
    schema = client.get("/api/openapi.json").json()
    body = schema["paths"]["/api/complaints"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    assert "priority" not in schema["components"]["schemas"][ref]["properties"]
    assert "category" in schema["components"]["schemas"][ref]["properties"]  # the right schema


def _change(client, complaint, **body):
    return client.post(f"/api/complaints/{complaint.tracking_number}/priority", body, content_type="application/json")


def test_the_office_changes_priority_with_a_reason_and_an_event(verified_client, submit, officer_a):
    complaint = submit()
    client = verified_client(officer_a)
    response = _change(client, complaint, priority="urgent", reason="The whole street has no water")
    assert response.status_code == 200 and response.json()["priority"] == "urgent"
    event = Event.objects.for_subject(complaint).get(kind="complaints.priority_changed")
    assert (event.reason, event.data) == ("The whole street has no water", {"from": "normal", "to": "urgent"})
    assert event.actor_id == officer_a.pk


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"priority": "urgent", "reason": "  "}, 400, "reason", "reason_required"),
        # The schema lists the priorities (as every enumerated input): an unknown one is a 422 naming the field.
        ({"priority": "critical", "reason": "Because"}, 422, "priority", "enum"),
        ({"priority": "URGENT", "reason": "Because"}, 422, "priority", "enum"),
    ],
)
def test_a_change_without_reason_or_to_an_unknown_priority_is_refused(
    verified_client, submit, officer_a, body, status, field, code
):
    complaint = submit()
    response = _change(verified_client(officer_a), complaint, **body)
    assert response.status_code == status and response.json()["fields"][field][0]["code"] == code
    complaint.refresh_from_db()
    assert complaint.priority == "normal"
    assert not Event.objects.for_subject(complaint).filter(kind="complaints.priority_changed").exists()


def test_only_the_handling_office_changes_priority(verified_client, client, submit, citizen, officer_b):
    complaint = submit()
    client.force_login(citizen)
    assert _change(client, complaint, priority="urgent", reason="Please").status_code == 403
    assert _change(verified_client(officer_b), complaint, priority="urgent", reason="x").status_code == 404
    complaint.refresh_from_db()
    assert complaint.priority == "normal"


def test_a_closed_complaint_keeps_its_priority(submit, officer_a):
    complaint = submit()
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.CLOSED)
    with pytest.raises(DomainError) as caught:
        work.complaint_priority_set(complaint=complaint, actor=officer_a, priority="urgent", reason="late")
    assert status_for(caught.value) == 409


def test_the_service_itself_refuses_an_unknown_priority(submit, officer_a):
    # The API's schema refuses it first; a caller of the service (a page, a task) meets the same rule.
    complaint = submit()
    with pytest.raises(DomainError) as caught:
        work.complaint_priority_set(complaint=complaint, actor=officer_a, priority="critical", reason="Because")
    assert status_for(caught.value) == 400
    assert caught.value.fields["priority"][0]["code"] == "priority_unknown"
    complaint.refresh_from_db()
    assert complaint.priority == "normal"
    assert not Event.objects.for_subject(complaint).filter(kind="complaints.priority_changed").exists()
