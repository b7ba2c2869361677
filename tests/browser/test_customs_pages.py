"""The customs staff pages in a real browser on a 360-pixel phone, in English and Urdu: a customs
manager finds a declaration in the list, reads it (items, masked parties, lane and why, trail,
the complaints about it) and records the documentary check; axe-core on every page visited.
Screenshots go to $RABTA_SCREENSHOTS (default var/screenshots/, not committed)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.complaints.models import Category, DeadlinePolicy
from rabta.complaints.services.intake import complaint_submit
from rabta.customs.choices import Status
from rabta.customs.models import Declaration
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.fixture
def declaration(world, citizen):
    filed = declaration_file(data=declaration_input(), actor=None).declaration
    DeadlinePolicy.objects.create()
    Category.objects.create(
        code="CUS-DELAY",
        name="Clearance delay",
        name_ur="کلیئرنس میں تاخیر",
        department=world.customs,
        is_customs=True,
        attributes=[{"name": "gd_number", "type": "declaration_number", "required": True}],
    )
    complaint_submit(
        complainant=citizen,
        category_code="CUS-DELAY",
        jurisdiction_code="PK-SD-KHI",
        subject="Goods held",
        text="Held for ten days.",
        attributes={"gd_number": filed.number},
    )
    return filed


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_customs_manager_reads_a_declaration_and_records_the_check_on_a_phone(
    page, axe_violations, live_server, world, declaration, citizen, language
):
    manager = make_user("cm@customs.gov.pk", "Customs Manager", (Role.CUSTOMS_MANAGER, world.collectorate, None))
    _as(page, manager, live_server)
    page.goto(f"/{language}/customs/declarations/")
    _checked(page, axe_violations, f"customs-declarations-{language}")
    page.click(f"a:has-text('{declaration.number}')")
    page.wait_for_selector("#move-documents")
    html = page.content()
    assert TRADER_NTN not in html and citizen.full_name not in html
    assert page.locator("#complaints-title + ul li").count() == 1
    # Nothing wider than the phone: tables scroll inside their own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _checked(page, axe_violations, f"customs-declaration-{language}")
    page.fill("#move-documents textarea[name=reason]", "Invoice and packing list match.")
    page.click("#move-documents button[type=submit]")
    page.wait_for_selector("[role=status], .messages, #moves-title")
    assert Declaration.objects.get(pk=declaration.pk).status == Status.DOCUMENTS_CHECKED
    _checked(page, axe_violations, f"customs-declaration-checked-{language}")
