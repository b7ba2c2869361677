"""An Idempotency-Key replays only the request it was first sent with, and only to its sender.

Fully anonymous submissions share one key space (there is no account to scope it to): a second
request under a key someone else used must never be answered with their complaint."""

from __future__ import annotations

import json
import random
import uuid

import pytest
from django.test import Client

from rabta.complaints.errors import ComplaintsError
from rabta.complaints.models import Complaint
from rabta.complaints.services.intake import complaint_submit
from rabta.core.errors import DomainError

pytestmark = pytest.mark.django_db

WORDS = ["water", "bribe", "clerk", "road", "پانی", "رشوت", "school", "meter", "bill", "gas", "naali", "kachra"]


def body(rng: random.Random, **overrides):
    values = {
        "category": "PB-MUN-WATER",
        "jurisdiction": "PK-PB-LHR",
        "subject": " ".join(rng.sample(WORDS, 3)),
        "text": " ".join(rng.choice(WORDS) for _ in range(20)) + f" {rng.randrange(10**6)}",
    }
    return {**values, **overrides}


def post(client, path, payload, key):
    return client.post(
        f"/api/complaints{path}", json.dumps(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.parametrize("seed", range(8))
def test_a_reused_anonymous_key_never_hands_over_someone_elses_complaint(categories, seed):
    rng = random.Random(seed)
    key = rng.choice(["1", "retry", "key-123", str(uuid.UUID(int=rng.getrandbits(128)))])
    first = body(rng)
    created = post(Client(), "/anonymous", first, key)
    assert created.status_code == 201

    stranger = post(Client(), "/anonymous", body(rng), key)

    assert stranger.status_code == 422
    assert stranger.json()["code"] == ComplaintsError.IDEMPOTENCY_KEY_REUSED
    answer = stranger.content.decode()
    assert first["subject"] not in answer and first["text"] not in answer
    assert created.json()["tracking_number"] not in answer
    assert Complaint.objects.count() == 1


def test_the_same_anonymous_request_replays_without_the_token_again(categories):
    rng = random.Random(7)
    payload, key = body(rng), str(uuid.uuid4())
    first = post(Client(), "/anonymous", payload, key)
    again = post(Client(), "/anonymous", payload, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert first.json()["anonymous_token"] and again.json()["anonymous_token"] is None
    assert Complaint.objects.count() == 1


CHANGES = [
    {"subject": "another subject"},
    {"text": "another text entirely"},
    {"jurisdiction": "PK-SD-KHI"},
    {"category": "SD-MUN-WATER", "jurisdiction": "PK-SD-KHI"},
    {"kind": "suggestion"},
    {"language": "ur"},
    {"anonymity": "identity_hidden_from_office"},
    {"latitude": "31.5", "longitude": "74.3"},
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: "+".join(c))
def test_the_same_key_with_a_different_request_is_refused(client, citizen, categories, change):
    rng = random.Random(str(change))
    payload = body(rng)
    client.force_login(citizen)
    assert post(client, "", payload, "k-1").status_code == 201

    changed = post(client, "", {**payload, **change}, "k-1")

    assert changed.status_code == 422, changed.content
    assert changed.json()["code"] == ComplaintsError.IDEMPOTENCY_KEY_REUSED
    assert "Idempotency-Key" in changed.json()["fields"]
    assert Complaint.objects.count() == 1
    assert post(client, "", payload, "k-1").status_code == 200  # the true retry still replays


def test_rows_lodged_before_fingerprints_replay_only_to_their_own_account(categories, citizen):
    args = {"category_code": "PB-MUN-WATER", "jurisdiction_code": "PK-PB-LHR", "subject": "s", "text": "t"}
    own = complaint_submit(complainant=citizen, idempotency_key="old-own", **args).complaint
    anonymous = complaint_submit(complainant=None, anonymity="fully_anonymous", idempotency_key="old-anon", **args)
    Complaint.objects.update(idempotency_fingerprint="")

    assert complaint_submit(complainant=citizen, idempotency_key="old-own", **args).complaint.pk == own.pk
    with pytest.raises(DomainError) as refused:
        complaint_submit(complainant=None, anonymity="fully_anonymous", idempotency_key="old-anon", **args)
    assert refused.value.code == ComplaintsError.IDEMPOTENCY_KEY_REUSED
    assert anonymous.complaint.pk
    assert Complaint.objects.count() == 2  # the refused retry created nothing either
