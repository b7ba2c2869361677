"""The complaint pages in a real browser, on a 360-pixel phone, in English and Urdu: a signed-in
complainant lodges a complaint step by step and tracks it; the same with JavaScript off; axe-core
on every page visited. Screenshots go to $RABTA_SCREENSHOTS (default var/screenshots/, not
committed) for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import PASSWORD
from rabta.complaints.models import Category, Complaint, DeadlinePolicy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("RABTA_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.fixture
def water(world):
    DeadlinePolicy.objects.create()
    Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_punjab
    )
    return Category.objects.create(
        code="PB-MUN-ROADS", name="Roads and streets", name_ur="سڑکیں اور گلیاں", department=world.lg_punjab
    )


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scroll"
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _checked(page, axe_violations, name: str) -> None:
    """Every page visited: no serious or critical accessibility violation, and a screenshot."""
    assert axe_violations(page) == [], name
    _shot(page, name)


def _sign_in(page, language: str, user) -> None:
    page.goto(f"/{language}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit], main form button[type=submit]").last.click()
    page.wait_for_url(f"**/{language}/")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_complainant_lodges_on_a_phone_and_tracks_it(page, axe_violations, citizen, water, language):
    _sign_in(page, language, citizen)
    page.goto(f"/{language}/complaints/lodge/")
    _checked(page, axe_violations, f"lodge-1-what-{language}")
    page.check("input[name=kind][value=complaint]")
    page.fill("input[name=subject]", "No water for a week")
    page.fill("textarea[name=text]", "No water in Gulberg since Monday.")
    page.click("button[value=next]")

    page.wait_for_selector("input[name=q]")
    _checked(page, axe_violations, f"lodge-2-category-{language}")
    # Suggestions as they type (htmx): only the matching category is left.
    page.fill("input[name=q]", "پانی" if language == "ur" else "water")
    expect(page.locator("input[name=category]")).to_have_count(1)
    page.check("input[name=category][value=PB-MUN-WATER]")
    page.click("button[value=next]")

    page.wait_for_selector("select[name=province]")
    _checked(page, axe_violations, f"lodge-3-place-{language}")
    # The districts arrive when the province is chosen (htmx), without submitting the step.
    page.select_option("select[name=province]", "PK-PB")
    page.wait_for_selector("select[name=district] option[value=PK-PB-LHR]", state="attached")
    page.select_option("select[name=district]", "PK-PB-LHR")
    page.click("button[value=next]")

    page.wait_for_selector("input[name=anonymity]")
    _checked(page, axe_violations, f"lodge-4-privacy-{language}")
    page.check("input[name=anonymity][value=identity_hidden_from_office]")
    page.click("button[value=next]")

    page.wait_for_selector("button[value=submit]")
    _checked(page, axe_violations, f"lodge-5-review-{language}")
    page.click("button[value=submit]")
    page.wait_for_url(f"**/{language}/complaints/RB-*/")
    complaint = Complaint.objects.get()
    assert complaint.complainant_id == citizen.pk and complaint.jurisdiction.code == "PK-PB-LHR"
    assert complaint.anonymity == "identity_hidden_from_office" and complaint.language == language
    _checked(page, axe_violations, f"complaint-{language}")

    page.goto(f"/{language}/complaints/mine/")
    assert complaint.tracking_number in page.content()
    _checked(page, axe_violations, f"mine-{language}")

    page.goto(f"/{language}/complaints/track/")
    page.fill("input[name=number]", complaint.tracking_number)
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_selector(".result")
    assert complaint.tracking_number in page.content() and "Gulberg" not in page.content()
    _checked(page, axe_violations, f"track-{language}")


def test_lodging_works_with_javascript_off(browser, live_server, citizen, water, axe_violations):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        _sign_in(page, "en", citizen)
        page.goto("/en/complaints/lodge/")
        page.fill("input[name=subject]", "Broken road")
        page.fill("textarea[name=text]", "A pothole on Main Boulevard.")
        page.click("button[value=next]")
        page.fill("input[name=q]", "roads")
        page.click("button[value=search]")  # the search is a plain form submit
        page.check("input[name=category][value=PB-MUN-ROADS]")
        page.click("button[value=next]")
        page.select_option("select[name=province]", "PK-PB")
        page.click("button[value=refresh]")  # the districts come with the re-rendered step
        page.select_option("select[name=district]", "PK-PB-LHR")
        page.click("button[value=next]")
        page.click("button[value=next]")  # privacy: the default choice
        page.click("button[value=submit]")
        page.wait_for_url("**/en/complaints/RB-*/")
        assert Complaint.objects.get().category.code == "PB-MUN-ROADS"
    finally:
        context.close()


def test_an_error_is_shown_next_to_its_field_and_in_the_summary(page, axe_violations, citizen, water):
    _sign_in(page, "en", citizen)
    page.goto("/en/complaints/lodge/")
    page.fill("textarea[name=text]", "Kept as typed")
    page.click("button[value=next]")
    page.wait_for_selector("#error-summary")
    assert page.get_by_label("Subject").get_attribute("aria-invalid") == "true"
    assert page.input_value("textarea[name=text]") == "Kept as typed"
    page.click("#error-summary a")
    assert page.evaluate("document.activeElement.name") == "subject"
    _checked(page, axe_violations, "lodge-error-en")


@pytest.mark.parametrize(
    "path", ["/en/complaints/track/", "/ur/complaints/track/", "/ur/", "/en/offline/", "/ur/no-such-page/"]
)
def test_public_pages_have_no_serious_accessibility_violations(page, axe_violations, world, path):
    page.goto(path)
    _checked(page, axe_violations, "public" + path.replace("/", "-").rstrip("-"))


def test_lodge_page_first_load_is_under_200_kb(page, water):
    """A first visit (empty cache): the HTML and every asset it loads (style, scripts, icons), as
    this server sends them (uncompressed; production's WhiteNoise sends them compressed)."""
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto("/en/complaints/lodge/", wait_until="networkidle")
    total = sum(sizes.values())
    SHOTS.mkdir(parents=True, exist_ok=True)
    listing = "\n".join(f"{n}\t{u}" for u, n in sorted(sizes.items(), key=lambda kv: -kv[1]))
    (SHOTS / "lodge-transfer.txt").write_text(f"{listing}\n{total}\ttotal\n")
    assert total < 200 * 1024, sizes


def test_offline_a_page_that_cannot_be_fetched_shows_the_offline_page(page, world):
    """The service worker, once installed, answers a failed navigation with the cached offline page
    in the language of the address."""
    page.goto("/ur/complaints/track/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now controlled by the worker
    page.context.set_offline(True)
    try:
        # (Not the lodge page: it is answered with the form that keeps a draft, test_offline_drafts.py.)
        page.goto("/ur/complaints/mine/")
        assert page.locator("html").get_attribute("lang") == "ur"
        assert page.locator("h1").inner_text() == "آپ آف لائن ہیں"
    finally:
        page.context.set_offline(False)
