"""The enforcement pages in a real browser: an officer files a draft incident (a mistake first,
shown beside its field), attaches a photo of the seizure and submits it; a supervisor finds it in
the review queue and approves it; the trend view counts it at once. axe-core on every page, in
English and Urdu (right to left), at 360 px and 1280 px; screenshots in $RABTA_SCREENSHOTS."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from conftest import make_user
from rabta.accounts.roles import Role
from rabta.directory.choices import OfficeLevel
from rabta.directory.services import office_create
from rabta.enforcement.models import Incident, IncidentEvidence
from rabta.tariff.demo import demo_tariff_create
from tests.browser.test_complaint_pages import _checked
from tests.browser.test_office_pages import _as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations")


@pytest.fixture
def enforcement_staff(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_tariff_create()
    unit = office_create(
        department=world.customs,
        code="FED-CUS-APP-KHI-ASO",
        name="Anti-Smuggling Organisation, Karachi",
        level=OfficeLevel.UNIT,
        jurisdiction=world.collectorate.jurisdiction,
        parent=world.collectorate,
    )
    reporter = make_user("aso@customs.gov.pk", "Asif Reporter", (Role.ENFORCEMENT_OFFICER, unit, None))
    supervisor = make_user(
        "sup@customs.gov.pk", "Kamal Supervisor", (Role.ENFORCEMENT_SUPERVISOR, world.collectorate, None)
    )
    return reporter, supervisor


def _photo(tmp_path) -> str:
    path = tmp_path / "seizure photo.jpg"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "olive").save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


@pytest.mark.parametrize(("language", "width"), [("en", 360), ("ur", 360), ("en", 1280), ("ur", 1280)])
def test_officer_files_supervisor_approves_and_the_trends_show_it(
    page, axe_violations, live_server, enforcement_staff, tmp_path, language, width
):
    reporter, supervisor = enforcement_staff
    name = f"enforcement-{language}-{width}"
    page.set_viewport_size({"width": width, "height": 900})
    _as(page, reporter, live_server)

    # Given an officer filing a report with a tariff code that does not exist,
    page.goto(f"/{language}/enforcement/incidents/new/")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ur" else "ltr")
    _checked(page, axe_violations, f"{name}-1-new")
    page.fill("#id_occurred_on", str(timezone.localdate() - timedelta(days=2)))
    page.select_option("#id_incident_type", "seizure")
    page.select_option("#id_modus_operandi", "concealment_compartment")
    page.fill("#id_description", "Smartphones under the floor of a truck at the toll plaza.")
    page.fill("#id_route", "Chaman-Karachi")
    page.fill("#id_goods_0_tariff_code", "99999999")
    page.fill("#id_goods_0_description", "Smartphones")
    page.fill("#id_goods_0_quantity", "120")
    page.fill("#id_goods_0_unit", "NMB")
    page.fill("#id_goods_0_value", "6000000")
    page.fill("#id_goods_0_origin_country", "CN")
    page.click("main form.form button[type=submit]")
    # then the error is beside the field and nothing is saved;
    page.wait_for_selector("#id_goods_0_tariff_code[aria-invalid=true], .error-summary")
    assert Incident.objects.count() == 0
    _checked(page, axe_violations, f"{name}-2-error")

    # when it is corrected, it is a draft; a photo is attached and the draft submitted.
    page.fill("#id_goods_0_tariff_code", "85171300")
    page.click("main form.form button[type=submit]")
    page.wait_for_selector("#move-submit")
    incident = Incident.objects.get()
    assert incident.review_status == "draft"
    page.set_input_files("#move-evidence input[type=file]", _photo(tmp_path))
    page.click("#move-evidence button[type=submit]")
    page.wait_for_selector("ul.files a")
    assert IncidentEvidence.objects.filter(incident=incident).count() == 1
    _checked(page, axe_violations, f"{name}-3-draft")
    page.click("#move-submit button[type=submit]")
    page.wait_for_selector("#move-evidence", state="detached")

    # A supervisor finds it in the review queue and approves it,
    _as(page, supervisor, live_server)
    page.goto(f"/{language}/enforcement/review/")
    _checked(page, axe_violations, f"{name}-4-review")
    page.click(f"a[href$='/enforcement/incidents/{incident.reference}/']")
    page.wait_for_selector("#move-approve")
    _checked(page, axe_violations, f"{name}-5-to-approve")
    page.click("#move-approve button[type=submit]")
    page.wait_for_url(f"**/{language}/enforcement/review/")
    incident.refresh_from_db()
    assert incident.review_status == "approved" and incident.approved_by == supervisor

    # and the trend view counts it at once.
    page.goto(f"/{language}/enforcement/trends/?by=route")
    page.wait_for_selector("#trend-chart svg")
    rows = page.locator("#trend-caption + thead + tbody tr")
    assert rows.count() == 1 and "Chaman-Karachi" in rows.first.inner_text()
    _checked(page, axe_violations, f"{name}-6-trends")
    page.goto(f"/{language}/enforcement/incidents/{incident.reference}/")
    _checked(page, axe_violations, f"{name}-7-approved")
