"""A border agency in a real browser: its officer finds the agency's pages in the navigation,
records a laboratory result on a selection, and customs then reads the agency's outcome and result
beside the lane on the declaration page. axe-core on every page; screenshots at 360 and 1280 px to
$RABTA_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from rabta.customs.tests.conftest import customs_manager, trader  # noqa: F401
from rabta.risk.models_agency import AgencySelection
from rabta.risk.tests.conftest import agency_officer, ppd  # noqa: F401
from rabta.risk.tests.test_views_agency import selected
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.mark.parametrize(("language", "width"), [("en", 360), ("ur", 1280)])
def test_an_agency_records_a_result_and_customs_reads_it_beside_the_lane(
    page,
    axe_violations,
    live_server,
    world,
    ppd,  # noqa: F811
    customs_manager,  # noqa: F811
    language,
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    officer = agency_officer("officer@ppd.gov.pk", ppd)
    selection = selected(world, ppd, officer)
    _as(page, officer, live_server)
    page.goto(f"/{language}/")
    page.click(f"nav a[href='/{language}/risk/agency/']")
    page.wait_for_selector(f"form[action='/{language}/risk/agency/selections/{selection.pk}/result/']")
    if width == 360:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, axe_violations, f"agency-selections-{language}-{width}")
    form = page.locator(f"form[action='/{language}/risk/agency/selections/{selection.pk}/result/']")
    form.locator("select").select_option("refused")
    form.locator("textarea, input[type=text]").first.fill("Khapra beetle larvae found.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages, [role=status]")
    selection.refresh_from_db()
    assert selection.result == "refused"
    page.goto(f"/{language}/risk/agency/rules/")
    _checked(page, axe_violations, f"agency-rules-{language}-{width}")

    page.context.clear_cookies()
    _as(page, customs_manager, live_server)
    page.goto(f"/{language}/customs/declarations/{selection.declaration.number}/")
    outcomes = page.locator("#lane-panel #agency-outcomes")
    assert outcomes.count() == 1
    text = outcomes.inner_text()
    assert ppd.name_en in text if language == "en" else ppd.name_ur in text
    assert "Khapra beetle larvae found." in text
    _checked(page, axe_violations, f"agency-on-declaration-{language}-{width}")
    assert AgencySelection.objects.count() == 1
