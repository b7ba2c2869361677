"""POST /api/intelligence/suggest and the lodge page's suggestions fragment."""

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


def test_the_fragment_lists_suggestions_for_subject_and_text(client, model_file, keyed):
    response = client.post(
        "/en/intelligence/suggestions/", {"subject": "Water", "text": "no water supply in our street"}
    )
    assert response.status_code == 200
    assert "Water supply" in response.content.decode()
    assert "you choose the category" in response.content.decode()


def test_the_fragment_is_in_urdu_on_urdu_pages(client, model_file, keyed):
    response = client.post("/ur/intelligence/suggestions/", {"text": "نلکے میں گندا پانی آ رہا ہے"})
    assert "پانی کی فراہمی" in response.content.decode()
    assert "آپ کی تحریر سے ملتے جلتے زمرے" in response.content.decode()  # the heading, from the Urdu catalogue


@pytest.mark.parametrize("text", ["", "   ", "x" * 6000, "?!"])
def test_the_fragment_is_empty_for_text_it_cannot_use(client, model_file, keyed, text):
    response = client.post("/en/intelligence/suggestions/", {"text": text})
    assert response.status_code == 200 and response.content.decode().strip() == ""


def test_the_fragment_needs_the_csrf_token(model_file, keyed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/en/intelligence/suggestions/", {"text": "no water"}).status_code == 403


def test_the_lodge_page_has_a_live_region_that_asks_for_suggestions(client, world):
    page = client.get("/en/complaints/lodge/").content.decode()
    assert 'id="category-suggestions"' in page and 'aria-live="polite"' in page
    assert 'hx-post="/en/intelligence/suggestions/"' in page
