"""Uploads arriving at the same moment must not carry a complaint past its cap, nor onto a closed one.

Only PostgreSQL shows the race honestly (SQLite serialises writers), so this is skipped there."""

import io

import pytest
from django.db import connection
from PIL import Image

from rabta.complaints.models import Attachment, Complaint
from rabta.complaints.services import attachments
from rabta.complaints.services.intake import complaint_submit
from rabta.complaints.tests.concurrency import run_at_once
from rabta.core.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_uploads_stop_at_the_cap(categories, citizen, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers (PostgreSQL)")
    settings.MEDIA_ROOT = tmp_path
    settings.RABTA_ATTACHMENTS_PER_COMPLAINT = 3
    complaint = complaint_submit(
        complainant=citizen, category_code="PB-MUN-WATER", jurisdiction_code="PK-PB-LHR", subject="s", text="t"
    ).complaint
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, "PNG")

    def upload() -> str:
        try:
            attachments.attachment_add(
                complaint=Complaint.objects.get(pk=complaint.pk),
                uploaded_by=citizen,
                name="a.png",
                data=buffer.getvalue(),
            )
        except DomainError as refused:
            return refused.code
        return "added"

    results = run_at_once(8, upload)
    assert sorted(results) == ["added"] * 3 + ["attachment_cap_reached"] * 5
    assert Attachment.objects.filter(complaint=complaint).count() == 3
    # Refused uploads leave no file behind.
    assert len([path for path in tmp_path.rglob("*") if path.is_file()]) == 3
