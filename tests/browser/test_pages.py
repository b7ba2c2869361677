import pytest
from django.core.management import call_command

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ur", "rtl")])
def test_home_page_direction_and_no_sideways_scroll_on_a_small_phone(page, language, direction):
    page.goto(f"/{language}/")
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("html").get_attribute("lang") == language
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_language_switch_keeps_the_page(page):
    page.goto("/en/accounts/login/")
    page.get_by_role("link", name="اردو").click()
    page.wait_for_url("**/ur/accounts/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "سائن اِن"


def test_citizen_signs_in_with_the_form(page, citizen):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email or phone number").fill(citizen.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/")
    assert page.get_by_role("link", name="My account", exact=True).is_visible()


def test_registration_error_is_announced_next_to_its_field(page):
    page.goto("/en/accounts/register/")
    page.get_by_label("Citizen", exact=True).check()
    page.get_by_label("Full name").fill("Sadia Noor")
    page.get_by_label("Email address").fill("sadia@example.pk")
    page.get_by_label("Password").fill("a-long-unusual-passphrase")
    page.get_by_label("Identity document").select_option("cnic")
    page.get_by_label("Document number").fill("12345")
    page.get_by_role("button", name="Create account").click()
    field = page.get_by_label("Document number")
    assert field.get_attribute("aria-invalid") == "true"
    assert "13 digits" in page.locator(".field.has-error").inner_text()


@pytest.mark.parametrize("path", ["/en/", "/ur/", "/en/accounts/login/", "/ur/accounts/register/", "/en/directory/"])
def test_pages_have_no_serious_accessibility_violations(page, axe_violations, path):
    page.goto(path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/en/accounts/register/", "/ur/accounts/login/"])
def test_every_form_field_has_a_label(page, path):
    page.goto(path)
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
              .map(el => el.name)"""
    )
    assert unlabeled == []
