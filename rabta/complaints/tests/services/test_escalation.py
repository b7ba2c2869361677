"""Telling complainants of escalations: durable from the sweep's commit, told once, caught up later.

The sweep writes each Escalation row un-notified in its own transaction; ``escalation_notify``
writes the messages and marks the rows together. Time is frozen: every sweep runs at a moment of the
test's choosing."""

import importlib
import io
from collections import Counter
from datetime import datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone

from rabta.celery import app
from rabta.complaints.models import Complaint, Escalation
from rabta.complaints.services import feedback, work
from rabta.complaints.services.escalation import escalation_notify, escalation_sweep
from rabta.complaints.tasks import escalation_notify_task
from rabta.complaints.tests.concurrency import run_at_once
from rabta.core.models import Event
from rabta.notifications.models import Outbox

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
BASE = timezone.make_aware(datetime(2026, 9, 7, 10, 0))  # a Monday morning in Lahore
SUPERVISOR_DAY = BASE + 21 * DAY  # past every complaint's supervisor-escalation day, before the head's


def at(moment):
    return time_machine.travel(moment, tick=False)


def escalation_messages():
    """Tracking numbers named in escalation emails, with how many times each was told."""
    rows = Outbox.objects.filter(template="complaint_escalated", channel=Outbox.Channel.EMAIL)
    return Counter(row.subject.removeprefix("Complaint ").removesuffix(" escalated") for row in rows)


def killed_before_the_kick():
    """The process dies between a batch's commit and queueing the notify task: the kick never runs."""
    return mock.patch("rabta.complaints.services.escalation._notify_later", lambda: None)


@pytest.fixture
def lodged(submit, other_citizen):
    """Two complaints by one citizen, one by another, one fully anonymous: all due to escalate."""
    with at(BASE):
        return [
            submit(),
            submit(),
            submit(complainant=other_citizen),
            submit(complainant=None, anonymity="fully_anonymous"),
        ]


def test_a_sweep_killed_before_its_kick_is_told_by_the_next_notify_run_exactly_once(
    lodged, django_capture_on_commit_callbacks
):
    # Given a sweep whose process dies before its notify task is queued
    with killed_before_the_kick(), django_capture_on_commit_callbacks(execute=True):
        result = escalation_sweep(now=SUPERVISOR_DAY, batch_size=3)
    # then every escalation is saved, with the duty to tell it
    assert (result.to_supervisor, result.to_head, result.batches) == (4, 0, 2)
    assert Escalation.objects.filter(notified_at__isnull=True).count() == 4
    assert not escalation_messages()

    # When the next notify run comes (beat, or `rabta escalate`)
    with at(SUPERVISOR_DAY + timedelta(minutes=5)):
        told = escalation_notify(batch_size=3)

    # then each complainant who can be reached hears once per complaint, and every row is marked
    assert escalation_messages() == Counter(c.tracking_number for c in lodged[:3])
    assert (told.escalations, told.messages) == (4, 3)
    assert set(Escalation.objects.values_list("notified_at", flat=True)) == {SUPERVISOR_DAY + timedelta(minutes=5)}

    # and a second run (a retry, a second worker) sends nothing more
    again = escalation_notify()
    assert (again.escalations, again.messages) == (0, 0)
    assert sum(escalation_messages().values()) == 3


def test_the_sweeps_own_kick_tells_each_batch_as_it_commits(lodged, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as kicks:
        escalation_sweep(now=SUPERVISOR_DAY, batch_size=3)
    assert len(kicks) >= 2  # one per batch (and the outbox's own delivery kicks)
    assert not Escalation.objects.filter(notified_at__isnull=True).exists()
    assert escalation_messages() == Counter(c.tracking_number for c in lodged[:3])


def test_an_anonymous_complaints_escalation_is_marked_told_without_a_message(submit):
    with at(BASE):
        anonymous = submit(complainant=None, anonymity="fully_anonymous")
    with killed_before_the_kick():
        escalation_sweep(now=SUPERVISOR_DAY)
    told = escalation_notify()
    assert (told.escalations, told.messages) == (1, 0)
    assert Escalation.objects.get(complaint=anonymous).notified_at is not None
    assert not Outbox.objects.filter(template="complaint_escalated").exists()


def test_a_kick_the_broker_refuses_does_not_undo_the_sweep(lodged, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(escalation_notify_task, "delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = escalation_sweep(now=SUPERVISOR_DAY)
    assert result.to_supervisor == 4
    assert Complaint.objects.filter(escalation_level=1).count() == 4
    assert Escalation.objects.filter(notified_at__isnull=True).count() == 4
    assert escalation_notify().messages == 3


def test_sweeping_twice_writes_one_untold_escalation_each(lodged):
    with killed_before_the_kick():
        first = escalation_sweep(now=SUPERVISOR_DAY)
        second = escalation_sweep(now=SUPERVISOR_DAY + timedelta(minutes=15))
    assert (first.to_supervisor, second.to_supervisor, second.to_head) == (4, 0, 0)
    assert Escalation.objects.count() == 4 and Event.objects.filter(kind="complaints.escalated").count() == 4
    assert escalation_notify().escalations == 4


def test_supervisor_and_head_escalations_are_each_told(submit, django_capture_on_commit_callbacks):
    with at(BASE):
        complaint = submit()
    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep(now=SUPERVISOR_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        escalation_sweep(now=BASE + 42 * DAY)
    assert escalation_messages() == {complaint.tracking_number: 2}
    assert list(Escalation.objects.order_by("level").values_list("level", flat=True)) == [1, 2]


def test_a_reopened_complaint_that_escalates_again_is_told_again(submit, citizen, officer_a):
    with at(BASE):
        complaint = submit()
    escalation_sweep(now=SUPERVISOR_DAY)
    assert escalation_notify().messages == 1
    with at(SUPERVISOR_DAY + DAY):
        work.complaint_acknowledge(complaint=complaint, actor=officer_a)
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="relief_granted")
        feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Water still not back")
    again_at = Complaint.objects.get(pk=complaint.pk).next_escalation_at + timedelta(minutes=1)

    assert escalation_sweep(now=again_at).to_supervisor == 1

    # The level-1 record is now the second escalation's, waiting to be told; the events keep both.
    record = Escalation.objects.get(complaint=complaint, level=1)
    assert (record.created_at, record.notified_at) == (again_at, None)
    assert Event.objects.for_subject(complaint).filter(kind="complaints.escalated").count() == 2
    assert escalation_notify().messages == 1
    assert escalation_messages() == {complaint.tracking_number: 2}


def test_the_periodic_command_tells_what_a_killed_sweep_left(lodged):
    with killed_before_the_kick():
        escalation_sweep(now=SUPERVISOR_DAY)
    with at(SUPERVISOR_DAY + timedelta(minutes=1)):
        call_command("escalate", stdout=(out := io.StringIO()))
    assert "earlier escalations told now: 4" in out.getvalue()
    assert sum(escalation_messages().values()) == 3


def test_beat_runs_the_notify_job_as_the_safety_net():
    schedules = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "rabta.complaints.tasks.escalation_notify_task" in schedules


def test_the_migration_marks_past_escalations_told_at_the_moment_they_were_made(lodged):
    escalation_sweep(now=SUPERVISOR_DAY)
    migration = importlib.import_module("rabta.complaints.migrations.0012_mark_past_escalations_notified")
    migration.mark_notified(django_apps, None)
    assert set(Escalation.objects.values_list("notified_at", flat=True)) == {SUPERVISOR_DAY}
    assert escalation_notify().messages == 0


@pytest.mark.django_db(transaction=True)
def test_two_notify_runs_at_once_tell_each_complainant_once(lodged):
    """SKIP LOCKED on PostgreSQL splits the rows between the runs; SQLite queues the two writers."""
    with killed_before_the_kick():
        escalation_sweep(now=SUPERVISOR_DAY)
    run_at_once(2, lambda: escalation_notify(batch_size=1))
    assert escalation_messages() == Counter(c.tracking_number for c in lodged[:3])
    assert not Escalation.objects.filter(notified_at__isnull=True).exists()
