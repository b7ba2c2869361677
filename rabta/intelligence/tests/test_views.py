"""The suggestions fragment of the lodge page (rabta.intelligence.views): what it lists, in which
language, when it stays empty, and that it needs the CSRF token."""

from __future__ import annotations

import pytest


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
