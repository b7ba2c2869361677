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


# --- Oversight's pages and the triage on the work page ------------------------------------------
from rabta.complaints.choices import Anonymity  # noqa: E402
from rabta.intelligence.models import MisuseSignal  # noqa: E402
from rabta.intelligence.services import recurring_refresh, signals_scan  # noqa: E402


def test_the_signals_page_is_oversights_and_hides_a_hidden_complainant(
    verified_client, submit, oversight, officer_a, citizen
):
    hidden = submit(text="you idiot officer", anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    signals_scan()
    client = verified_client(officer_a)
    assert client.get("/en/intelligence/signals/").status_code == 404
    client = verified_client(oversight)
    page = client.get("/en/intelligence/signals/").content.decode()
    assert hidden.tracking_number in page and "idiot" in page
    assert citizen.full_name not in page and citizen.email not in page
    assert "Hidden from the office" in page


def test_confirming_a_signal_from_the_page_records_it(verified_client, submit, oversight):
    submit(text="you idiot officer")
    signals_scan()
    signal = MisuseSignal.objects.get()
    client = verified_client(oversight)
    url = f"/en/intelligence/signals/{signal.pk}/review/"
    refused = client.post(url, {f"signal-{signal.pk}-decision": "confirmed", f"signal-{signal.pk}-reason": ""})
    assert refused.status_code == 400 and MisuseSignal.objects.get().status == "open"
    done = client.post(url, {f"signal-{signal.pk}-decision": "confirmed", f"signal-{signal.pk}-reason": "Insult."})
    assert done.status_code == 302 and MisuseSignal.objects.get().status == "confirmed"
    assert client.post(f"/en/intelligence/signals/{signal.pk + 99}/review/", {}).status_code == 404


def test_the_signals_page_is_in_urdu(verified_client, oversight):
    client = verified_client(oversight)
    page = client.get("/ur/intelligence/signals/").content.decode()
    assert 'dir="rtl"' in page and "Misuse signals" not in page


def test_the_recurring_page_lists_clusters_with_filters_for_oversight_only(
    verified_client, submit, oversight, officer_a, world
):
    for i in range(3):
        submit(text=f"No water supply in Gulberg street 4, pipeline broken, day {i}. Ayesha Khan")
    recurring_refresh(days=30, min_size=3)
    client = verified_client(officer_a)
    assert client.get("/en/intelligence/recurring/").status_code == 404
    client = verified_client(oversight)
    page = client.get("/en/intelligence/recurring/").content.decode()
    assert "pipeline" in page and "Rising" in page and "Ayesha" not in page
    other = client.get("/en/intelligence/recurring/", {"district": "PK-SD-KHI"}).content.decode()
    assert "pipeline" not in other and "No recurring problem found." in other


def test_the_work_page_shows_the_triage_with_a_transfer_a_person_confirms(
    verified_client, model_file, submit, officer_a, world
):
    from rabta.complaints.models import Category

    Category.objects.create(code="PB-MUN-SANIT", name="Sanitation and garbage", department=world.lg_punjab)
    complaint = submit(category_code="PB-MUN-SANIT", subject="Water", text="no water supply in our street, tap dry")
    client = verified_client(officer_a)
    page = client.get(f"/en/complaints/office/{complaint.tracking_number}/").content.decode()
    assert 'id="triage"' in page and "Water supply" in page
    assert complaint.current_office_id == world.office_a.pk  # shown, nothing moved
