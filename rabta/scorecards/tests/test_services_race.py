"""Workers folding at the same moment fold each event once (PostgreSQL: SQLite serialises writers,
so the race is skipped there and the claim is tested in test_services.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from rabta.complaints.tests.concurrency import run_at_once
from rabta.scorecards.models import DailyRollup, FoldCursor
from rabta.scorecards.services import rollup_fold_all, rollup_rebuild
from rabta.scorecards.tests.histories import snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_workers_at_once_fold_each_event_once(world, submit):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers (PostgreSQL)")
    for number in range(12):
        submit(subject=f"Complaint {number}")
    folded = run_at_once(4, lambda: rollup_fold_all(batch_size=5, settle=timedelta(0)))
    assert sum(folded) == 24  # twelve submitted and twelve routed events, each folded by one worker
    assert sum(DailyRollup.objects.values_list("received", flat=True)) == 12
    assert FoldCursor.objects.get().last_event_id > 0
    expected = snapshot()
    rollup_rebuild(settle=timedelta(0))
    assert snapshot() == expected
