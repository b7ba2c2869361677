"""Two retries of one submission arriving at the same moment must still make one complaint.

Only PostgreSQL shows the race honestly (SQLite serialises writers), so this is skipped there."""

import pytest
from django.db import connection

from rabta.complaints.models import Complaint
from rabta.complaints.services.intake import complaint_submit
from rabta.complaints.tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_retries_with_one_key_make_one_complaint(categories, citizen):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers (PostgreSQL)")
    results = run_at_once(
        6,
        lambda: (
            complaint_submit(
                complainant=citizen,
                category_code="PB-MUN-WATER",
                jurisdiction_code="PK-PB-LHR",
                subject="s",
                text="t",
                idempotency_key="race-1",
            ).complaint.pk
        ),
    )
    assert len(set(results)) == 1 and len(results) == 6
    assert Complaint.objects.filter(complainant=citizen).count() == 1
