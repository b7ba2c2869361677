"""POST /api/intelligence/suggest: suggestions, bad input and the rate limit (the page fragment: test_views.py)."""

from __future__ import annotations

import json

import pytest

from rabta.complaints.models import Complaint

URL = "/api/intelligence/suggest"


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_anonymous_gets_categories_with_their_offices(client, model_file, keyed, world):
    response = post(client, {"text": "no water supply in our street", "place": "PK-PB-LHR", "top": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == "test-1"
    best = body["suggestions"][0]
    assert best["category"] == "PB-MUN-WATER"
    assert best["office"] == {"code": world.office_a.code, "name": world.office_a.name}
    assert 0 < best["score"] <= 1 and len(body["suggestions"]) <= 2
    assert Complaint.objects.count() == 0


def test_without_a_place_the_office_is_null(client, model_file, keyed):
    best = post(client, {"text": "no water supply in our street"}).json()["suggestions"][0]
    assert (best["office"], best["routing"]) == (None, "place_needed")


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({"text": ""}, 400, "text", "text_empty"),
        ({}, 400, "text", "text_empty"),
        ({"text": "x" * 5001}, 400, "text", "text_too_long"),
        ({"text": "no\u0000water"}, 400, "text", "text_control_character"),
        ({"text": "water", "language": "de"}, 400, "language", "language_unknown"),
        ({"text": "water", "place": "NOWHERE"}, 400, "place", "place_unknown"),
        ({"text": "water", "top": 99}, 422, "top", "less_than_equal"),  # the schema's own check
        ({"text": ["water"]}, 422, "text", None),
    ],
)
def test_bad_input_names_the_field_with_a_code(client, model_file, keyed, body, status, field, code):
    response = post(client, body)
    assert response.status_code == status, response.content
    error = response.json()
    assert field in error["fields"]
    if code:
        assert error["fields"][field][0]["code"] == code


def test_suggestions_are_rate_limited_per_address(client, model_file, keyed, settings):
    settings.RABTA_RATE_LIMITS = {**settings.RABTA_RATE_LIMITS, "suggest": {"address": "2/h"}}
    assert post(client, {"text": "no water"}).status_code == 200
    assert post(client, {"text": "no water"}).status_code == 200
    refused = post(client, {"text": "no water"})
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
