"""The fold: what each event counts, the cursor's claim, idempotence, and the rebuild."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from rabta.complaints.choices import Outcome, RejectReason
from rabta.complaints.services.feedback import complaint_reopen, feedback_give
from rabta.complaints.services.work import complaint_acknowledge, complaint_reject, complaint_resolve
from rabta.core.models import Event
from rabta.scorecards import services
from rabta.scorecards.models import ComplaintTrack, DailyRollup, FoldCursor
from rabta.scorecards.services import day_bucket, rollup_fold, rollup_fold_all, rollup_rebuild
from rabta.scorecards.tests.histories import snapshot

NOW = timedelta(0)


BUCKET_EDGES = {"days_0_1": (-1, 0, 1), "days_2_3": (2, 3), "days_4_7": (4, 7), "days_8_15": (8, 15)}
BUCKET_EDGES |= {"days_16_30": (16, 30), "days_31_60": (31, 60), "days_61_90": (61, 90), "days_over_90": (91, 4000)}


@pytest.mark.parametrize(("days", "bucket"), [(day, name) for name, days in BUCKET_EDGES.items() for day in days])
def test_days_fall_in_the_fixed_buckets(days, bucket):
    assert day_bucket(days) == bucket


def history(world, citizen, officer_a, submit):
    """Three complaints at office A: resolved in 2 days and confirmed; resolved in 10 days,
    unsatisfied and reopened; rejected."""
    start = datetime.now(UTC) + timedelta(days=1)
    with time_machine.travel(start, tick=False) as clock:
        quick, slow, wrong = (submit(subject=f"Complaint {n}") for n in range(3))
        for complaint in (quick, slow):
            complaint_acknowledge(complaint=complaint, actor=officer_a)
        complaint_reject(complaint=wrong, actor=officer_a, reason=RejectReason.OUT_OF_SCOPE, explanation="Not ours.")
        clock.shift(timedelta(days=2, hours=1))
        complaint_resolve(complaint=quick, actor=officer_a, outcome=Outcome.RELIEF_GRANTED)
        feedback_give(complaint=quick, actor=citizen, rating=5, satisfied=True)
        clock.shift(timedelta(days=8))
        complaint_resolve(complaint=slow, actor=officer_a, outcome=Outcome.NO_RELIEF, reasons="Not the city's pipe.")
        feedback_give(complaint=slow, actor=citizen, rating=1, satisfied=False)
        complaint_reopen(complaint=slow, actor=citizen, reason="It is the city's pipe.")
        clock.shift(timedelta(minutes=1))
    return start


def totals() -> dict[str, int]:
    rows = DailyRollup.objects.all()
    return {name: sum(getattr(row, name) for row in rows) for name in services.COUNTERS}


def test_a_known_history_is_counted_at_the_office_that_held_it(world, citizen, officer_a, submit):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        assert rollup_fold_all(settle=NOW) > 0
    counts = totals()
    assert {name: value for name, value in counts.items() if value} == {
        "received": 3,
        "resolved": 2,
        "rejected": 1,
        "reopened": 1,
        "feedback_rated": 2,
        "feedback_satisfied": 1,
        "resolved_with_deadline": 2,
        "resolved_within_deadline": 2,  # 2 and 10 days: inside the 15 business days of the policy
        "days_2_3": 1,
        "days_8_15": 1,
    }
    assert set(DailyRollup.objects.values_list("office_id", flat=True)) == {world.office_a.pk}
    assert DailyRollup.objects.count() == 3  # the day of intake, of the first and of the second resolution


def _skip_an_event_id() -> None:
    """Take the next event id without writing the event, as a rolled-back transaction does."""
    table = Event._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = %s", [table])


def _cursor_at(event_id: int) -> None:
    FoldCursor.objects.update_or_create(pk=1, defaults={"last_event_id": event_id})


def test_events_right_after_the_cursor_fold_at_once(world, citizen, officer_a, submit):
    """No id is missing between the cursor and the new events: nothing can appear behind them, so a
    fold takes them at once, however young (the live dashboard's two seconds)."""
    _cursor_at(Event.objects.order_by("id").values_list("id", flat=True).last() or 0)
    submit()
    assert rollup_fold_all(settle=timedelta(minutes=5)) == 2  # submitted and routed
    assert totals()["received"] == 1


def test_young_events_after_a_missing_id_wait_for_the_settling_time(world, citizen, officer_a, submit):
    """An id missing before them may belong to a transaction still open: the events after it wait
    until they are older than the settling time, then fold (the missing one has committed by then,
    or never will)."""
    _cursor_at(Event.objects.order_by("id").values_list("id", flat=True).last() or 0)
    _skip_an_event_id()  # as a transaction that took an id and rolled back (or has not committed yet)
    submit()
    assert rollup_fold_all(settle=timedelta(minutes=5)) == 0
    assert not DailyRollup.objects.exists()
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=False):
        assert rollup_fold_all(settle=timedelta(minutes=5)) == 2
    assert totals()["received"] == 1


def test_folding_again_changes_nothing(world, citizen, officer_a, submit):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(batch_size=3, settle=NOW)
        before = snapshot()
        result = rollup_fold(settle=NOW)
        rollup_fold_all(settle=NOW)
    assert not result.advanced and result.events == 0
    assert snapshot() == before


def test_a_batch_claimed_by_another_worker_is_not_folded_twice(world, citizen, officer_a, submit, monkeypatch):
    submit()
    real_batch = services._batch

    def raced(after, **kwargs):
        # Another worker claims the same batch between this one's read and its claim.
        events, end = real_batch(after, **kwargs)
        FoldCursor.objects.filter(pk=1).update(last_event_id=end)
        return events, end

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=1), tick=False):
        monkeypatch.setattr(services, "_batch", raced)
        result = rollup_fold(settle=NOW)
    assert not result.advanced and result.events == 0
    assert not DailyRollup.objects.exists() and not ComplaintTrack.objects.exists()


def test_rebuild_replaces_whatever_the_tables_held(world, citizen, officer_a, submit):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        rollup_fold_all(settle=NOW)
        expected = snapshot()
        DailyRollup.objects.update(received=99)  # damage, as a bad deploy might
        rollup_rebuild(settle=NOW)
    assert snapshot() == expected


def test_batch_size_must_be_positive(db):
    with pytest.raises(ValueError, match="batch_size"):
        rollup_fold(batch_size=0)


def test_the_commands_fold_and_rebuild(world, citizen, officer_a, submit, capsys):
    start = history(world, citizen, officer_a, submit)
    with time_machine.travel(start + timedelta(days=20), tick=False):
        call_command("scorecards", "fold", "--batch-size", "4")
        assert "folded" in capsys.readouterr().out
        folded = snapshot()
        call_command("scorecards", "rebuild")
        assert "rebuilt from" in capsys.readouterr().out
    assert snapshot() == folded and totals()["received"] == 3
