"""The complainant's further pages in a real browser, on a 360-pixel phone, in English and Urdu:
adding a file on the complaint page (and its refusal next to the field); axe-core on each."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from rabta.complaints.models import Attachment
from rabta.complaints.services.intake import complaint_submit
from tests.browser.test_complaint_pages import _checked, _sign_in, water  # noqa: F401 (water: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("water")]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (30, 120, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["en", "ur"])
def test_complainant_adds_a_file_and_sees_a_refusal_next_to_the_field(page, axe_violations, citizen, language):
    complaint = complaint_submit(
        complainant=citizen,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="No water",
        text="No water in Gulberg.",
    ).complaint
    _sign_in(page, language, citizen)
    page.goto(f"/{language}/complaints/{complaint.tracking_number}/")
    page.set_input_files(
        "#attachment input[name=file]", files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    page.click("#attachment button[type=submit]")
    page.wait_for_selector("#attachment #error-summary")
    assert page.get_attribute("#attachment input[name=file]", "aria-invalid") == "true"
    assert Attachment.objects.count() == 0
    _checked(page, axe_violations, f"complaint-file-refused-{language}")

    page.set_input_files(
        "#attachment input[name=file]", files=[{"name": "street.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.click("#attachment button[type=submit]")
    page.wait_for_selector("text=street.png")
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    _checked(page, axe_violations, f"complaint-file-added-{language}")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_complainant_adds_an_identity_document_and_appeals_a_limit(page, axe_violations, citizen, language):
    from django.utils import timezone

    from rabta.accountability.models import ComplainantStanding

    standing = ComplainantStanding.objects.create(user=citizen, level="throttled", score=7, updated_at=timezone.now())
    _sign_in(page, language, citizen)
    page.goto(f"/{language}/accounts/me/")
    page.select_option("select[name=document_type]", "cnic")
    page.fill("input[name=document_number]", "12-34")
    page.click("#identity button[type=submit]")
    page.wait_for_selector("#identity #error-summary")
    assert page.input_value("input[name=document_number]") == "12-34"
    _checked(page, axe_violations, f"account-error-{language}")
    page.fill("input[name=document_number]", "35202-1234567-1")
    page.click("#identity button[type=submit]")
    page.wait_for_selector("text=****67-1")
    _checked(page, axe_violations, f"account-{language}")

    page.click(f"a[href='/{language}/accounts/standing/']")
    page.wait_for_selector("#appeal textarea[name=text]")
    _checked(page, axe_violations, f"standing-{language}")
    page.fill("#appeal textarea[name=text]", "My complaints about the water were genuine.")
    page.click("#appeal button[type=submit]")
    page.wait_for_selector("#appeal-title")
    standing.refresh_from_db()
    assert standing.appeal_open
    _checked(page, axe_violations, f"standing-appealed-{language}")
