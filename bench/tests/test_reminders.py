"""The bulk generator's reminder moments and the ``reminder_sweep_s`` figure, on a tiny scale.

Runs on the test database (SQLite by default, PostgreSQL with DATABASE_URL, where the generator
goes through COPY). Transactional tests: the COPY loader commits its connection, which would end
the transaction an ordinary database test runs in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from bench import complaints_api
from bench.run import Context, parse_args, run_one
from rabta.accounts.models import RoleAssignment
from rabta.complaints.choices import OPEN_STATUSES
from rabta.complaints.models import Complaint
from rabta.complaints.services.deadlines import REMINDER_LEAD, reminder_next_at
from rabta.directory.models import Post
from rabta.notifications.models import Outbox

pytestmark = pytest.mark.django_db(transaction=True)

COMPLAINTS = 1500
NOW = timezone.make_aware(datetime(2026, 9, 7, 10, 0))


def loaded(world):
    with time_machine.travel(NOW, tick=False):
        return complaints_api.bulk_load(complaints=COMPLAINTS, seed=2026)


def test_generated_open_complaints_carry_the_reminder_moment_intake_gives_them(world):
    bulk = loaded(world)

    complaints = list(Complaint.objects.all())
    assert len(complaints) == COMPLAINTS
    open_ = [c for c in complaints if c.status in OPEN_STATUSES]
    finished = [c for c in complaints if c.status not in OPEN_STATUSES]
    assert open_ and finished
    # Finished complaints are in no sweep; open ones have production's moment: a day before the
    # earliest deadline still owed (acknowledging while routed, else the interim reply), come or not.
    assert all(c.next_reminder_at is None for c in finished)
    for complaint in open_:
        assert complaint.next_reminder_at == reminder_next_at(complaint)
        owed_first = complaint.acknowledge_due_at if complaint.acknowledged_at is None else complaint.interim_due_at
        assert complaint.next_reminder_at == owed_first - REMINDER_LEAD

    # A spread: reminders for deadlines already passed, due within the day, and later ones.
    state = complaints_api.reminder_state(now=NOW)
    assert state["due_deadline_passed"] > 0 and state["due_deadline_within_a_day"] > 0 and state["later"] > 0
    assert state["due"] + state["later"] == len(open_)
    moments = bulk["details"]["reminder_moments_at_load"]
    assert (moments["deadline_passed"], moments["deadline_within_a_day"], moments["later"]) == pytest.approx(
        (state["due_deadline_passed"], state["due_deadline_within_a_day"], state["later"]), abs=1
    )  # COPY's sample row is generated twice
    assert 0 <= moments["steady_state_15_min"] < state["due"]


def test_the_reminder_benchmark_reminds_every_due_complaint_once(world, tmp_path):
    # Given the tiny load, and a head of office in a post of office A (the other offices have none)
    Post.objects.create(office=world.office_a, title="Deputy Director", rank=18, is_head=True)
    bulk = loaded(world)
    ctx = Context(
        args=parse_args(["--only", "reminders"]),
        database_url="postgres://unused/none",
        data_dir=tmp_path,
        complaints=COMPLAINTS,
        offices=0,
        duration_s=0,
        warmup_s=0,
        crash_s=0,
        clients=1,
        workers=1,
        log_dir=tmp_path,
        state={"bulk": bulk},
    )
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        due = list(
            Complaint.objects.filter(next_reminder_at__lte=timezone.now(), status__in=OPEN_STATUSES).values_list(
                "current_office_id", flat=True
            )
        )
        # When the benchmark runs
        figures = {figure.name: figure for figure in run_one("reminders", ctx)}

        # Then the figure is there, every due complaint was reminded once, and only once
        sweep = figures["reminder_sweep_s"]
        assert sweep.value is not None, sweep.notes
        assert figures["reminder_reminded"].value == len(due) > 0
        details = sweep.details
        assert details["complaints_claimed"] == details["complaints_reminded"] == len(due)
        # Nothing left due; some reminded complaints moved on to a deadline still ahead.
        assert details["after"]["due"] == 0 and details["after"]["later"] > details["before"]["later"] > 0
        assert (details["second_sweep_reminded"], details["second_sweep_outbox_rows"]) == (0, 0)
        # One digest (an email) per officer and supervisor of each office reminded.
        assert details["staff"] == {"users": 6, "supervisors": 1, "offices": 6, "offices_without_posts": 5}
        staff = RoleAssignment.objects.filter(office_id__in=set(due), role__in=["officer", "supervisor"]).count()
        assert details["offices_reminded"] == len(set(due)) and details["offices_unreachable"] == 0
        assert (
            details["digest_outbox_rows"] == staff == Outbox.objects.filter(template="office_deadline_reminder").count()
        )
