"""After resolution: closure waits for a dissatisfied complainant's appeal window, and an appeal's
decision becomes the outcome, is told to the complainant and moves the case on (closed, or back to
the office when it grants relief and work is due). Time is frozen at the deadlines."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rabta.api.errors import status_for
from rabta.complaints.choices import Outcome, Status
from rabta.complaints.models import Complaint, Feedback
from rabta.complaints.services import feedback, work
from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.notifications.models import Outbox

MOMENT = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(300))  # a Monday in Pakistan


def _resolved(submit, officer, *, outcome=Outcome.NO_RELIEF, key="1"):
    complaint = submit(idempotency_key=key)
    work.complaint_acknowledge(complaint=complaint, actor=officer)
    work.complaint_resolve(complaint=complaint, actor=officer, outcome=outcome, reasons="Outside this year's budget")
    complaint.refresh_from_db()
    assert complaint.feedback_due_at < complaint.appeal_due_at  # the default policy: 10 days, then 30 business days
    return complaint


@pytest.mark.parametrize("seed", range(4))
def test_a_dissatisfied_complainant_can_appeal_until_the_appeal_deadline(submit, citizen, officer_a, seed):
    rng = random.Random(seed)
    with time_machine.travel(MOMENT, tick=False):
        complaint = _resolved(submit, officer_a)
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=rng.randint(1, 3), satisfied=False)
    complaint.refresh_from_db()
    # Any moment after the feedback deadline (10 days) and before the appeal deadline.
    feedback_due = complaint.resolved_at + timedelta(days=10)
    moment = feedback_due + (complaint.appeal_due_at - feedback_due) * rng.uniform(0.01, 0.99)
    with time_machine.travel(moment, tick=False):
        assert feedback.closure_sweep() == 0
        complaint.refresh_from_db()
        assert complaint.status == Status.RESOLVED
        feedback.appeal_file(complaint=complaint, actor=citizen, reasons="The pipeline is the city's duty")
    complaint.refresh_from_db()
    assert complaint.status == Status.APPEALED


def test_a_dissatisfied_complaint_closes_when_the_appeal_window_ends(submit, citizen, officer_a):
    with time_machine.travel(MOMENT, tick=False):
        complaint = _resolved(submit, officer_a)
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=2, satisfied=False)
    complaint.refresh_from_db()
    assert feedback.closure_sweep(now=complaint.appeal_due_at - timedelta(minutes=1)) == 0
    assert feedback.closure_sweep(now=complaint.appeal_due_at) == 1
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.closed_confirmed is False
    with time_machine.travel(complaint.appeal_due_at + timedelta(minutes=1)), pytest.raises(DomainError) as caught:
        feedback.appeal_file(complaint=complaint, actor=citizen, reasons="Too late")
    assert status_for(caught.value) == 409


def test_the_sweep_waits_for_the_appeal_window_even_where_the_closure_moment_was_not_moved(submit, citizen, officer_a):
    # A "not satisfied" answer recorded before feedback_give moved the closure moment (older rows).
    with time_machine.travel(MOMENT, tick=False):
        complaint = _resolved(submit, officer_a)
    Feedback.objects.create(complaint=complaint, rating=1, satisfied=False)
    assert feedback.closure_sweep(now=complaint.feedback_due_at + timedelta(days=1)) == 0
    assert feedback.closure_sweep(now=complaint.appeal_due_at) == 1


def test_a_silent_complainant_is_closed_unconfirmed_at_the_feedback_deadline(submit, officer_a):
    with time_machine.travel(MOMENT, tick=False):
        complaint = _resolved(submit, officer_a)
    assert feedback.closure_sweep(now=complaint.feedback_due_at - timedelta(minutes=1)) == 0
    assert feedback.closure_sweep(now=complaint.feedback_due_at) == 1


def test_dissatisfied_feedback_is_an_event_on_the_timeline(submit, citizen, officer_a):
    complaint = _resolved(submit, officer_a)
    feedback.feedback_give(complaint=complaint, actor=citizen, rating=2, satisfied=False, comment="Still dry")
    event = Event.objects.for_subject(complaint).get(kind="complaints.feedback_given")
    assert event.data == {"rating": 2, "satisfied": False}


RESOLVED_WITH = [Outcome.NO_RELIEF, Outcome.PARTIAL_RELIEF, Outcome.RELIEF_GRANTED]
RELIEF = {Outcome.NO_RELIEF: 0, Outcome.PARTIAL_RELIEF: 1, Outcome.RELIEF_GRANTED: 2}


@pytest.mark.parametrize(("original", "decision"), list(itertools.product(RESOLVED_WITH, RESOLVED_WITH)))
def test_an_appeal_decision_is_the_outcome_is_told_and_moves_the_case_on(
    submit, citizen, officer_a, supervisor_a, original, decision
):
    complaint = _resolved(submit, officer_a, outcome=original)
    appeal = feedback.appeal_file(complaint=complaint, actor=citizen, reasons="The resolution is wrong")
    Outbox.objects.all().delete()

    feedback.appeal_decide(appeal=appeal, actor=supervisor_a, decision=decision, reasons="Decided on the file")

    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.outcome_reasons) == (decision, "Decided on the file")
    moves = list(
        Event.objects.for_subject(complaint).order_by("id").values_list("to_state", flat=True).exclude(to_state="")
    )
    work_due = RELIEF[decision] > RELIEF[original]
    assert moves[-3:] == [Status.APPEALED, Status.APPEAL_DECIDED, Status.REOPENED if work_due else Status.CLOSED]
    decided = Event.objects.for_subject(complaint).get(to_state=Status.APPEAL_DECIDED)
    assert decided.data["original_outcome"] == original  # the original outcome stays on the timeline
    told = Outbox.objects.filter(user=citizen)
    assert told.exists()
    assert all(complaint.tracking_number in row.body for row in told)
    if work_due:
        assert complaint.status == Status.REOPENED
        assert complaint.resolve_due_at > timezone.now() and complaint.next_escalation_at is not None
        # The office carries out the decision and resolves again.
        work.complaint_start(complaint=complaint, actor=officer_a)
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome=decision, reasons="Done as decided")
    else:
        assert complaint.status == Status.CLOSED and complaint.closed_at is not None
        # Final: the complainant can neither reopen nor appeal it again.
        for act in (feedback.complaint_reopen, feedback.appeal_file):
            kwargs = {"reason": "again"} if act is feedback.complaint_reopen else {"reasons": "again"}
            with pytest.raises(DomainError) as caught:
                act(complaint=complaint, actor=citizen, **kwargs)
            assert status_for(caught.value) == 409
    assert not Complaint.objects.filter(status=Status.APPEAL_DECIDED).exists()  # nothing is left waiting there


def test_each_resolution_gets_its_own_answer_and_its_own_closure(submit, citizen, officer_a):
    # Given a complainant who was not satisfied and reopened the complaint
    with time_machine.travel(MOMENT, tick=False):
        complaint = _resolved(submit, officer_a)
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=1, satisfied=False)
        feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Still no water")
    # When the office resolves it again
    with time_machine.travel(MOMENT + timedelta(days=3), tick=False):
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome=Outcome.RELIEF_GRANTED)
    complaint.refresh_from_db()
    # Then the earlier "not satisfied" does not hold the new resolution open past its feedback deadline
    assert feedback.closure_sweep(now=complaint.feedback_due_at - timedelta(minutes=1)) == 0
    with time_machine.travel(complaint.feedback_due_at - timedelta(hours=1), tick=False):
        # and the complainant can answer this resolution
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=5, satisfied=True)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.closed_confirmed is True
    with pytest.raises(DomainError) as caught:
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=4, satisfied=True)
    assert status_for(caught.value) == 409


def test_a_silent_second_round_closes_at_its_feedback_deadline(submit, citizen, officer_a):
    with time_machine.travel(MOMENT, tick=False):
        complaint = _resolved(submit, officer_a)
        feedback.feedback_give(complaint=complaint, actor=citizen, rating=1, satisfied=False)
        feedback.complaint_reopen(complaint=complaint, actor=citizen, reason="Still no water")
    with time_machine.travel(MOMENT + timedelta(hours=5), tick=False):
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome=Outcome.RELIEF_GRANTED)
    complaint.refresh_from_db()
    assert feedback.closure_sweep(now=complaint.feedback_due_at) == 1


def test_the_complainant_sees_until_when_they_may_appeal(client, submit, citizen, officer_a):
    complaint = _resolved(submit, officer_a)
    client.force_login(citizen)
    shown = client.get(f"/api/complaints/{complaint.tracking_number}").json()["appeal_due_at"]
    assert shown is not None
    assert abs(timezone.datetime.fromisoformat(shown) - complaint.appeal_due_at) < timedelta(milliseconds=1)


def test_the_decision_is_told_in_the_complainants_language(submit, citizen, officer_a, supervisor_a):
    from django.core.management import call_command

    call_command("compile_translations")
    citizen.preferred_language = "ur"
    citizen.save()
    complaint = _resolved(submit, officer_a)
    appeal = feedback.appeal_file(complaint=complaint, actor=citizen, reasons="The resolution is wrong")
    feedback.appeal_decide(appeal=appeal, actor=supervisor_a, decision=Outcome.NO_RELIEF, reasons="Upheld")
    row = Outbox.objects.filter(user=citizen, template="complaint_appeal_closed").first()
    assert row is not None and row.language == "ur"
    assert "اپیل" in row.body and complaint.tracking_number in row.body
