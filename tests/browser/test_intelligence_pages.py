"""Oversight's intelligence pages and the triage on the work page in a real browser, on a
360-pixel phone and a 1280-pixel desktop, in English and Urdu: axe-core on every page, no hidden
complainant's identity anywhere, screenshots to $RABTA_SCREENSHOTS (default var/screenshots/)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from rabta.complaints.choices import Anonymity
from rabta.complaints.models import Category, DeadlinePolicy
from rabta.complaints.services.intake import complaint_submit
from rabta.intelligence.services import recurring_refresh, signals_scan
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as, _private

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.fixture
def found(world, citizen):
    DeadlinePolicy.objects.create()
    Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_punjab
    )
    made = []
    for i in range(4):
        made.append(
            complaint_submit(
                complainant=citizen,
                category_code="PB-MUN-WATER",
                jurisdiction_code="PK-PB-LHR",
                subject="No water",
                text=f"Ayesha Khan (citizen@example.pk): no water supply in Gulberg street 4, pipeline broken {i}."
                + (" You idiot officers." if i == 3 else ""),
                anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE,
            ).complaint
        )
    signals_scan()
    recurring_refresh(days=30, min_size=3)
    return made


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("width", [360, 1280])
def test_oversight_reads_signals_and_recurring_problems(
    page, axe_violations, live_server, oversight, found, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    _as(page, oversight, live_server)
    page.goto(f"/{language}/intelligence/signals/")
    assert page.locator("li.card").count() >= 1
    _private(page)
    _checked(page, axe_violations, f"intelligence-signals-{language}-{width}")
    page.goto(f"/{language}/intelligence/recurring/")
    assert page.locator("li.card").count() == 1
    _private(page)
    _checked(page, axe_violations, f"intelligence-recurring-{language}-{width}")


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("width", [360, 1280])
def test_an_officer_sees_the_triage_of_a_misrouted_complaint(
    page, axe_violations, live_server, officer_a, world, citizen, settings, tmp_path, language, width
):
    from rabta.intelligence.suggest import model_forget
    from rabta.intelligence.tests.conftest import train_small

    train_small(tmp_path / "category")
    settings.RABTA_INTELLIGENCE_MODEL = tmp_path / "category"
    settings.RABTA_INTELLIGENCE_MIN_CONFIDENCE = 0.05
    model_forget()
    DeadlinePolicy.objects.create()
    Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_punjab
    )
    Category.objects.create(code="PB-MUN-SANIT", name="Sanitation and garbage", department=world.lg_punjab)
    complaint = complaint_submit(
        complainant=citizen,
        category_code="PB-MUN-SANIT",
        jurisdiction_code="PK-PB-LHR",
        subject="Water",
        text="no water supply in our street, the tap is dry",
    ).complaint
    page.set_viewport_size({"width": width, "height": 900})
    _as(page, officer_a, live_server)
    page.goto(f"/{language}/complaints/office/{complaint.tracking_number}/")
    assert page.locator("#triage").count() == 1
    page.locator("#triage").scroll_into_view_if_needed()
    _checked(page, axe_violations, f"intelligence-triage-{language}-{width}")
    model_forget()
