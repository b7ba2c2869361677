"""The risk analysts' pages in a real browser: a rule written with an error shows where
(line/column, the field named); the corrected rule is a draft, is back-tested and activated; the
live dashboard draws. axe-core on every page; screenshots at 360 and 1280 px to $RABTA_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import declaration_input
from rabta.risk.choices import RuleStatus
from rabta.risk.models import RiskRule
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.mark.parametrize(("language", "width"), [("en", 360), ("ur", 1280)])
def test_a_rule_in_error_then_draft_backtest_activate(page, axe_violations, live_server, world, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    analyst = make_user("ra@customs.gov.pk", "Risk Analyst", (Role.RISK_ANALYST, None, None))
    declaration_file(data=declaration_input(number="PAST-1"), actor=None)
    _as(page, analyst, live_server)
    page.goto(f"/{language}/risk/rules/new/")
    page.fill("#id_name", "Chinese TVs")
    page.fill("#id_condition", '(origin == "CN" and\n  colour == "red")')
    page.fill("#id_valid_from", "2026-01-01")
    page.click("#rule-form button[type=submit]")
    page.wait_for_selector("#condition-position")
    assert "2" in page.inner_text("#condition-position") and "3" in page.inner_text("#condition-position")
    assert page.locator("#error-summary a[href='#id_condition']").count() == 1
    if width == 360:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, axe_violations, f"risk-rule-error-{language}-{width}")
    page.fill("#id_condition", 'origin == "CN"')
    page.click("#rule-form button[type=submit]")
    page.wait_for_selector("#move-backtest")
    rule = RiskRule.objects.get()
    assert rule.status == RuleStatus.DRAFT
    page.fill("#move-backtest input[name=start]", "2026-11-01")
    page.fill("#move-backtest input[name=end]", "2026-11-30")
    page.click("#move-backtest button[type=submit]")
    page.wait_for_selector("#backtests")
    _checked(page, axe_violations, f"risk-rule-backtested-{language}-{width}")
    page.click("#move-activate button[type=submit]")
    page.wait_for_selector("#move-retire")
    assert RiskRule.objects.get().status == RuleStatus.ACTIVE
    page.goto(f"/{language}/risk/rules/")
    _checked(page, axe_violations, f"risk-rules-{language}-{width}")
    page.goto(f"/{language}/risk/dashboard/")
    page.wait_for_selector("[data-chart=lanes] svg")
    _checked(page, axe_violations, f"risk-dashboard-{language}-{width}")
    page.goto(f"/{language}/risk/watchlists/")
    _checked(page, axe_violations, f"risk-watchlists-{language}-{width}")
