"""The live clearance dashboard in a real browser: a customs manager opens it, declarations are
filed and moved through the services while the page is open, and the figures change on screen
without a reload (live.js polling with ETag/304). axe-core on the page, in English and Urdu, on a
360-pixel phone and a desktop; screenshots in $RABTA_SCREENSHOTS (default var/screenshots/)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs.services import clearance
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input, give_ntn
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.fixture
def trader(db):
    user = make_user("trader@example.pk", "Bilal Traders", (Role.COMPLAINANT, None, None), complainant_type="business")
    give_ntn(user, TRADER_NTN)
    return user


@pytest.fixture
def customs_manager(world):
    return make_user("cm@customs.gov.pk", "Customs Manager", (Role.CUSTOMS_MANAGER, world.collectorate, None))


@pytest.mark.parametrize(("language", "width"), [("en", 360), ("ur", 360), ("en", 1280)])
def test_the_figures_change_on_screen_when_a_declaration_moves(
    page, axe_violations, live_server, world, trader, customs_manager, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    _as(page, customs_manager, live_server)
    page.goto(f"/{language}/customs/dashboard/")
    filed = page.locator("[data-total=filed]")
    assert filed.inner_text() == "0"
    # The page was rendered with the current ETag: its first polls are 304s and change nothing.
    page.wait_for_timeout(1500)
    assert filed.inner_text() == "0"

    declaration = declaration_file(data=declaration_input(number="LIVE-1"), actor=trader).declaration
    expect(filed).to_have_text("1", timeout=10_000)
    declaration = clearance.declaration_assess(declaration=declaration, actor=None)
    expect(page.locator("[data-total=examined]")).to_have_text("0")
    expect(page.locator("tbody[data-table=release_times]")).to_contain_text("1", timeout=10_000)
    assert page.locator("[data-live-status]").inner_text() != ""
    # Charts were drawn (ECharts adds its canvas) and every table still has its rows.
    page.wait_for_selector("[data-chart=lanes] canvas")
    assert page.locator("tbody[data-table=lanes] tr").count() == 1
    _checked(page, axe_violations, f"clearance-dashboard-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), [("en", 360), ("en", 1280), ("ur", 360)])
def test_a_busy_dashboard_fits_the_screen(
    page, axe_violations, live_server, world, trader, customs_manager, language, width
):
    """Declarations in every lane and stage, one examined with a discrepancy: every table filled,
    nothing wider than a phone's screen, no serious accessibility fault; screenshots to look at."""
    from decimal import Decimal

    from rabta.customs.choices import Outcome
    from rabta.customs.services.declarations import lane_assign

    for index, lane in enumerate(["green", "green", "yellow", "red", "red", "green"]):
        declaration = declaration_file(data=declaration_input(number=f"BUSY-{index}"), actor=trader).declaration
        if lane != "green":
            declaration = lane_assign(declaration=declaration, lane=lane)
        if index >= 4:
            continue  # waiting: the backlog
        if lane == "yellow":
            declaration = clearance.declaration_check_documents(declaration=declaration, actor=None)
        if lane == "red":
            declaration = clearance.declaration_examine(
                declaration=declaration,
                actor=None,
                outcome=Outcome.DISCREPANCY,
                discrepancy_type="undervaluation",
                extra_duty=Decimal("5000.00"),
            )
        declaration = clearance.declaration_assess(declaration=declaration, actor=None)
        declaration = clearance.declaration_record_payment(
            declaration=declaration, actor=None, amount=declaration.assessed_amount
        )
        clearance.declaration_release(declaration=declaration, actor=None)
    page.set_viewport_size({"width": width, "height": 900})
    _as(page, customs_manager, live_server)
    page.goto(f"/{language}/customs/dashboard/")
    expect(page.locator("[data-total=filed]")).to_have_text("6")
    page.wait_for_selector("[data-chart=release_times] canvas")
    assert page.locator("tbody[data-table=backlog_by_office] tr").count() == 1
    _checked(page, axe_violations, f"clearance-dashboard-busy-{language}-{width}")
