"""Suggested categories on the lodge page (issue 12): they appear, in a live region, as the
complainant types, in English and Urdu, with no accessibility violation; without JavaScript the
region simply stays empty."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rabta.complaints.models import Category, DeadlinePolicy
from rabta.intelligence.suggest import model_forget
from rabta.intelligence.tests.conftest import train_small

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("RABTA_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(autouse=True)
def _model(tmp_path, settings):
    call_command("compile_translations")
    path = tmp_path / "category"
    train_small(path)
    settings.RABTA_INTELLIGENCE_MODEL = path
    settings.RABTA_INTELLIGENCE_MIN_CONFIDENCE = 0.05
    model_forget()
    yield
    model_forget()


@pytest.fixture
def categories(world):
    DeadlinePolicy.objects.create()
    Category.objects.create(
        code="PB-MUN-WATER", name="Water supply", name_ur="پانی کی فراہمی", department=world.lg_punjab
    )
    Category.objects.create(
        code="PB-MUN-SANIT", name="Sanitation and garbage", name_ur="صفائی اور کوڑا کرکٹ", department=world.lg_punjab
    )


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [("en", "There is no water supply in our street", "Water supply"), ("ur", "کوڑا کرکٹ نہیں اٹھایا گیا", "صفائی")],
)
def test_suggestions_appear_as_the_complainant_types(page, axe_violations, categories, language, text, expected):
    page.goto(f"/{language}/complaints/lodge/")
    region = page.locator("#category-suggestions")
    expect(region).to_have_attribute("aria-live", "polite")
    page.locator("textarea[name=text]").press_sequentially(text, delay=5)
    expect(region.locator("li").first).to_contain_text(expected, timeout=10_000)
    assert axe_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / f"lodge-suggestions-{language}.png"), full_page=True)


def test_without_javascript_the_region_stays_empty_and_lodging_goes_on(browser, live_server, categories):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/en/complaints/lodge/")
        page.fill("input[name=subject]", "No water")
        page.fill("textarea[name=text]", "There is no water supply in our street")
        assert page.locator("#category-suggestions").inner_text().strip() == ""
        page.click("button[value=next]")
        page.wait_for_selector("input[name=q]")
    finally:
        context.close()
