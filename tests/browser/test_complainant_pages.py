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
