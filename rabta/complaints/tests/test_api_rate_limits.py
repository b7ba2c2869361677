"""Intake and messages are throttled per client (issue 16, item 14): limits from settings, a 429 in
the one error format with Retry-After, the address taken from rabta.core.clientip (never from a
header the client writes), the account counted as well when there is one."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from rabta.complaints.models import Complaint, Message

pytestmark = pytest.mark.django_db
BODY = {"category": "PB-MUN-WATER", "jurisdiction": "PK-PB-LHR", "subject": "No water", "text": "Dry taps."}


def lodge(client, path="/api/complaints", **extra):
    return client.post(path, json.dumps(BODY), content_type="application/json", **extra)


def assert_throttled(response):
    assert response.status_code == 429, response.content[:300]
    assert response.json() == {
        "code": "rate_limited",
        "message": "Too many requests: try again later.",
        "fields": {},
    }
    assert int(response["Retry-After"]) >= 1


def test_thirty_anonymous_complaints_at_once_meet_the_configured_limit(categories, settings):
    """The probe's case, against the limit as configured: only the first ``address`` ones get in."""
    allowed = int(settings.RABTA_RATE_LIMITS["intake_anonymous"]["address"].split("/")[0])
    assert allowed < 30
    client = Client()
    answers = [lodge(client, "/api/complaints/anonymous").status_code for _ in range(30)]
    assert answers == [201] * allowed + [429] * (30 - allowed)
    assert Complaint.objects.count() == allowed


def test_anonymous_intake_counts_the_address_and_ignores_forwarded_headers(categories, settings):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "intake_anonymous": {"address": "3/h"}}
    here = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert lodge(here, "/api/complaints/anonymous").status_code == 201
    assert_throttled(lodge(here, "/api/complaints/anonymous"))
    # A header the client writes does not make it someone else (no trusted proxy is configured).
    assert_throttled(lodge(here, "/api/complaints/anonymous", HTTP_X_FORWARDED_FOR="198.51.100.1"))
    assert lodge(Client(REMOTE_ADDR="203.0.113.8"), "/api/complaints/anonymous").status_code == 201
    assert Complaint.objects.count() == 4


def test_signed_in_intake_counts_the_account_wherever_it_comes_from(categories, settings, citizen, other_citizen):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "intake": {"address": "100/h", "subject": "2/h"}}
    first = Client(REMOTE_ADDR="203.0.113.7")
    first.force_login(citizen)
    assert [lodge(first).status_code for _ in range(2)] == [201, 201]
    assert_throttled(lodge(first))
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")
    elsewhere.force_login(citizen)
    assert_throttled(lodge(elsewhere))  # the same account from another address
    neighbour = Client(REMOTE_ADDR="203.0.113.7")
    neighbour.force_login(other_citizen)
    assert lodge(neighbour).status_code == 201  # someone else behind the same address
    assert Complaint.objects.count() == 3


def test_signed_in_intake_counts_the_address_too(categories, settings, citizen, other_citizen):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "intake": {"address": "2/h", "subject": "50/h"}}
    for user, expected in ((citizen, 201), (other_citizen, 201), (citizen, 429)):
        client = Client(REMOTE_ADDR="203.0.113.7")
        client.force_login(user)
        assert lodge(client).status_code == expected


def test_messages_are_throttled_per_account(settings, citizen, submit):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "messages": {"address": "100/h", "subject": "2/h"}}
    complaint = submit()
    client = Client()
    client.force_login(citizen)
    path = f"/api/complaints/{complaint.tracking_number}/messages"
    answers = [
        client.post(path, json.dumps({"body": f"Still no water, day {day}."}), content_type="application/json")
        for day in range(3)
    ]
    assert [a.status_code for a in answers[:2]] == [201, 201]
    assert_throttled(answers[2])
    assert Message.objects.filter(complaint=complaint).count() == 2


def test_a_refused_request_writes_nothing_and_is_not_counted_against_the_next_window(categories, settings):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "intake_anonymous": {"address": "1/h"}}
    client = Client()
    assert lodge(client, "/api/complaints/anonymous").status_code == 201
    for _ in range(5):
        assert_throttled(lodge(client, "/api/complaints/anonymous"))
    assert Complaint.objects.count() == 1


def test_following_an_anonymous_complaint_is_throttled_per_address_by_header_and_body(categories, settings):
    """Tokens are too long to guess, but a client trying them by the thousand is refused either way
    it sends them; a client that knows its token is counted the same, and another address is not."""
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "anonymous_tracking": {"address": "3/h"}}
    token = lodge(Client(), "/api/complaints/anonymous").json()["anonymous_token"]
    here = Client(REMOTE_ADDR="203.0.113.7")
    assert here.get("/api/complaints/track", HTTP_X_TRACKING_TOKEN=token).status_code == 200
    assert here.get("/api/complaints/track", HTTP_X_TRACKING_TOKEN="guess-" + "x" * 30).status_code == 404
    guess = json.dumps({"token": "guess-" + "y" * 30})
    assert here.post("/api/complaints/track", guess, content_type="application/json").status_code == 404
    assert_throttled(here.get("/api/complaints/track", HTTP_X_TRACKING_TOKEN=token))
    assert_throttled(here.post("/api/complaints/track", guess, content_type="application/json"))
    assert (
        Client(REMOTE_ADDR="203.0.113.8").get("/api/complaints/track", HTTP_X_TRACKING_TOKEN=token).status_code == 200
    )
