"""Two retries of one submission arriving at the same moment must still make one complaint.

Only PostgreSQL shows the race honestly (SQLite serialises writers), so this is skipped there."""

import threading

import pytest
from django.db import connection, connections

from rabta.complaints.models import Complaint
from rabta.complaints.services.intake import complaint_submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_retries_with_one_key_make_one_complaint(categories, citizen):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers (PostgreSQL)")
    barrier = threading.Barrier(6)
    results: list[int] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait()
            submission = complaint_submit(
                complainant=citizen,
                category_code="PB-MUN-WATER",
                jurisdiction_code="PK-PB-LHR",
                subject="s",
                text="t",
                idempotency_key="race-1",
            )
            results.append(submission.complaint.pk)
        except BaseException as exc:  # collected so the assertion below names it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 6
    assert Complaint.objects.filter(complainant=citizen).count() == 1
