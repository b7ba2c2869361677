"""The staff pages in a real browser, on a 360-pixel phone and a desktop, in English and Urdu: an
officer acknowledges, replies and resolves a complaint whose complainant is hidden from the office,
and never sees who it is; the supervisor's and oversight's pages; axe-core on every page visited.
Screenshots go to $RABTA_SCREENSHOTS (default var/screenshots/, not committed)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from rabta.api.testing.matrix import signed_in
from rabta.complaints.choices import Anonymity, Status
from rabta.complaints.models import Category, Complaint, DeadlinePolicy
from rabta.complaints.services.intake import complaint_submit
from tests.browser.test_complaint_pages import _checked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRETS = ("Ayesha", "Khan", "citizen@example.pk")


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.fixture
def hidden(world, citizen):
    DeadlinePolicy.objects.create()
    Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_punjab
    )
    return complaint_submit(
        complainant=citizen,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="No water for a week",
        text="Ayesha Khan here (citizen@example.pk): no water in Gulberg for seven days.",
        anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE,
    ).complaint


def _as(page, user, live_server) -> None:
    """The browser carries a session whose second factor is passed, as a staff sign-in leaves it."""
    session = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def _private(page) -> None:
    html = page.content()
    for secret in SECRETS:
        assert secret not in html, secret


@pytest.mark.parametrize("language", ["en", "ur"])
def test_officer_acknowledges_replies_and_resolves_on_a_phone(
    page, axe_violations, live_server, officer_a, hidden, language
):
    _as(page, officer_a, live_server)
    page.goto(f"/{language}/complaints/inbox/")
    _checked(page, axe_violations, f"office-inbox-{language}")
    _private(page)
    page.locator(f"a[href$='/office/{hidden.tracking_number}/']").click()
    page.wait_for_selector("form#acknowledge")
    _checked(page, axe_violations, f"office-work-{language}")
    _private(page)

    page.locator("form#acknowledge button[type=submit]").click()
    page.wait_for_selector("form#resolve")
    page.fill("textarea[name=message-body]", "A tanker comes on Tuesday.")
    page.locator("form#message button[type=submit]").click()
    page.wait_for_selector("text=A tanker comes on Tuesday.")

    # A resolution without its outcome comes back with the error next to the field.
    page.fill("textarea[name=resolve-reasons]", "The pipe was replaced.")
    page.locator("form#resolve button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    _checked(page, axe_violations, f"office-work-error-{language}")
    page.check("input[name=resolve-outcome][value=relief_granted]")
    page.locator("form#resolve button[type=submit]").click()
    page.wait_for_selector("form#note")
    _private(page)
    assert Complaint.objects.get(pk=hidden.pk).status == Status.RESOLVED

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/{language}/complaints/inbox/")
    _checked(page, axe_violations, f"office-inbox-desktop-{language}")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_supervisor_and_oversight_pages(
    page, axe_violations, live_server, supervisor_a, oversight, officer_b, hidden, language
):
    _as(page, supervisor_a, live_server)
    page.goto(f"/{language}/complaints/escalations/")
    _checked(page, axe_violations, f"office-escalations-{language}")
    _private(page)
    _as(page, oversight, live_server)
    page.goto(f"/{language}/complaints/oversight/?search={hidden.tracking_number}")
    _checked(page, axe_violations, f"office-oversight-{language}")
    page.goto(f"/{language}/complaints/office/{hidden.tracking_number}/")
    page.wait_for_selector("form#reveal")
    _checked(page, axe_violations, f"office-work-oversight-{language}")
    # An officer of another office: the complaint does not exist for them.
    _as(page, officer_b, live_server)
    response = page.goto(f"/{language}/complaints/office/{hidden.tracking_number}/")
    assert response.status == 404
