"""Accountability actions in a real browser, on a 360-pixel phone and at 1280 pixels, in English
and Urdu: Punjab's oversight records a show-cause notice on an officer of office A with a
complaint behind it, reads it, and records the reply; the office's scorecard shows its history.
axe-core on every page visited; screenshots to $RABTA_SCREENSHOTS (default var/screenshots/)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rabta.accountability.models import AccountabilityAction
from rabta.complaints.models import Category, DeadlinePolicy
from rabta.complaints.services.intake import complaint_submit
from rabta.scorecards.action_rollup import action_fold_all
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.fixture
def complaint(world, citizen):
    DeadlinePolicy.objects.create()
    Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_punjab
    )
    return complaint_submit(
        complainant=citizen,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="No water",
        text="No water for a week.",
    ).complaint


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["en", "ur"])
def test_oversight_records_an_action_and_its_reply(
    page, axe_violations, live_server, oversight, officer_a, citizen, complaint, language, width
):
    page.set_viewport_size({"width": width, "height": 900 if width > 360 else 740})
    tag = f"{language}-{width}"
    _as(page, oversight, live_server)
    page.goto(f"/{language}/accounts/actions/new/")
    _checked(page, axe_violations, f"actions-office-{tag}")
    page.fill("input[name=office]", "PB-LG-LHR")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#record")
    taken = timezone.localdate() - timedelta(days=3)
    page.select_option("select[name=kind]", "show_cause")
    page.select_option("select[name=officer]", str(officer_a.pk))
    page.fill("input[name=authority]", "Chief Secretary Punjab")
    page.fill("textarea[name=grounds]", "Complaints closed without a site visit.")
    page.fill("input[name=taken_on]", taken.isoformat())
    page.fill("textarea[name=complaints]", "NOT-A-NUMBER")
    page.locator("#record button[type=submit]").click()
    # The unknown complaint is refused next to its field, and nothing is recorded.
    page.wait_for_selector("#error-summary")
    assert page.locator("#id_complaints[aria-invalid=true]").count() == 1
    assert AccountabilityAction.objects.count() == 0
    _checked(page, axe_violations, f"actions-record-refused-{tag}")
    page.fill("textarea[name=complaints]", complaint.tracking_number)
    page.fill("input[name=taken_on]", taken.isoformat())
    page.locator("#record button[type=submit]").click()
    page.wait_for_selector("#evidence-title")
    html = page.content()
    assert complaint.tracking_number in html and citizen.full_name not in html and citizen.email not in html
    _checked(page, axe_violations, f"actions-detail-{tag}")
    page.fill("#reply textarea[name=reply]", "Staff were on election duty.")
    page.fill("#reply input[name=replied_on]", taken.isoformat())
    page.locator("#reply button[type=submit]").click()
    page.wait_for_selector("#reply-title")
    assert AccountabilityAction.objects.get().status == "replied"
    _checked(page, axe_violations, f"actions-replied-{tag}")
    page.goto(f"/{language}/accounts/actions/")
    _checked(page, axe_violations, f"actions-list-{tag}")
    action_fold_all(settle=timedelta(0))
    page.goto(f"/{language}/scorecards/office/PB-LG-LHR/")
    page.wait_for_selector("#actions-heading")
    assert page.locator("#actions .timeline li").count() == 1
    _checked(page, axe_violations, f"actions-scorecard-{tag}")
