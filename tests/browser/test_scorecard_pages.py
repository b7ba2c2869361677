"""The scorecards in a real browser: public, English and Urdu, a small phone and a desktop, axe-clean,
no sideways scroll (wide tables scroll inside their own focusable region); screenshots to look at
go to $RABTA_SCREENSHOTS (default var/screenshots/)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from rabta.complaints.tests.conftest import categories, submit  # noqa: F401  (the complaints' fixtures)
from rabta.scorecards.services import rollup_fold_all
from rabta.scorecards.tests.test_services import NOW, history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (360, 740), "desktop": (1280, 900)}
PAGES = {
    "scorecards": "/{lang}/scorecards/?start={start}",
    "scorecard-office": "/{lang}/scorecards/office/PB-LG-LHR/?start={start}",
    "scorecard-league": "/{lang}/scorecards/league/?start={start}&min_sample=1",
    "scorecard-definitions": "/{lang}/scorecards/definitions/",
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_scorecard_pages_are_accessible_at_phone_and_desktop_widths(
    browser,
    live_server,
    axe_violations,
    world,
    citizen,
    officer_a,
    submit,  # noqa: F811
    lang,
    size,
):
    call_command("compile_translations")
    begun = history(world, citizen, officer_a, submit)
    with time_machine.travel(begun + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    out = Path(os.environ.get("RABTA_SCREENSHOTS", "var/screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
    tab = context.new_page()
    try:
        for name, path in PAGES.items():
            tab.goto(path.format(lang=lang, start=begun.date().isoformat()))
            assert tab.locator("html").get_attribute("lang") == lang
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
            assert axe_violations(tab) == [], name
            tab.screenshot(path=str(out / f"{name}-{lang}-{size}.png"), full_page=True)
    finally:
        context.close()


def test_a_figure_drills_down_with_the_keyboard(page, world, citizen, officer_a, submit):  # noqa: F811
    call_command("compile_translations")
    begun = history(world, citizen, officer_a, submit)
    with time_machine.travel(begun + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
    page.goto(f"/en/scorecards/?start={begun.date().isoformat()}")
    page.get_by_role("link", name="Government of the Punjab").first.click()
    page.wait_for_url("**/scorecards/government/PB/**")
    page.get_by_role("link", name="Local Government Department").click()
    page.wait_for_url("**/scorecards/department/PB-LG/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Local Government Department")
